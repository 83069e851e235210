import Foundation
import QGatherCSQLite
import Synchronization

/// Waits for a lock held by another connection the way `sqlite3_busy_timeout` does, but gives
/// up as soon as the query is interrupted: SQLite does not look at `sqlite3_interrupt` while it
/// waits for a lock, so a `--timeout`, a fail-fast or a Ctrl-C would otherwise wait out the
/// whole busy timeout.
///
/// One per connection; installed with `install(on:)` and kept alive by the connection.
final class SQLiteBusyWait: Sendable {
    /// How long to wait for a lock in total, in milliseconds.
    let timeoutMilliseconds: Int32
    private let interrupted = Atomic<Bool>(false)

    /// When the current wait for a lock began (`DispatchTime` nanoseconds).
    private let waitStarted = Atomic<UInt64>(0)

    init(timeoutMilliseconds: Int32) {
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    /// Installs this as `db`'s busy handler (replacing any busy timeout).
    func install(on db: OpaquePointer) {
        sqlite3_busy_handler(db, { context, count in
            guard let context else { return 0 }
            let wait = Unmanaged<SQLiteBusyWait>.fromOpaque(context).takeUnretainedValue()
            return wait.retry(after: Int(count)) ? 1 : 0
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Called as a query starts: no interrupt is pending for it yet.
    func reset() {
        interrupted.store(false, ordering: .relaxed)
    }

    /// Called with `sqlite3_interrupt`: stops any wait for a lock.
    func interrupt() {
        interrupted.store(true, ordering: .relaxed)
    }

    /// Whether the current query was interrupted.
    var wasInterrupted: Bool { interrupted.load(ordering: .relaxed) }

    /// Sleeps a millisecond before retry number `count` and returns true, or returns false to
    /// give up once the timeout has passed since the wait began (measured, not summed sleeps).
    ///
    /// SQLite keeps no queue for a lock: a waiter only retries after each sleep, and against a
    /// process that commits in a tight loop (holding the write lock nearly always) SQLite's own
    /// schedule, with sleeps growing to 100 ms, loses every race. Polling every millisecond wins
    /// one; a wait costs a wake-up per millisecond on the connection's thread.
    private func retry(after count: Int) -> Bool {
        let now = DispatchTime.now().uptimeNanoseconds
        if count == 0 { waitStarted.store(now, ordering: .relaxed) }
        let waited = (now - waitStarted.load(ordering: .relaxed)) / 1_000_000
        guard waited < UInt64(max(0, timeoutMilliseconds)), !wasInterrupted else { return false }
        usleep(1000)
        return !wasInterrupted
    }
}
