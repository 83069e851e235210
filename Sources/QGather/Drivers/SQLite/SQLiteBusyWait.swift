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

    /// SQLite's own schedule (`sqliteDefaultBusyCallback`): sleeps per retry, then 100 ms each.
    private static let delays: [Int32] = [1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100]

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

    /// Sleeps before retry number `count` and returns true, or returns false to give up.
    private func retry(after count: Int) -> Bool {
        let table = SQLiteBusyWait.delays
        let waited = count < table.count
            ? table[..<count].reduce(0, +)
            : table.reduce(0, +) + Int32(count - table.count) * table[table.count - 1]
        var delay = count < table.count ? table[count] : table[table.count - 1]
        if waited + delay > timeoutMilliseconds { delay = timeoutMilliseconds - waited }
        guard delay > 0 else { return false }
        // Sleep in slices so that an interrupt ends the wait within a few milliseconds.
        var slept: Int32 = 0
        while slept < delay {
            if wasInterrupted { return false }
            let slice = min(5, delay - slept)
            usleep(useconds_t(slice) * 1000)
            slept += slice
        }
        return !wasInterrupted
    }
}
