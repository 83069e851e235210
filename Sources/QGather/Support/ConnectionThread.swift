import Foundation
import Synchronization

/// A dedicated OS thread that runs jobs one at a time, in submission order.
///
/// Every database handle is confined to one of these: blocking C calls (`sqlite3_step`,
/// `PQgetResult`, ...) run here and never on Swift's cooperative thread pool, which has only
/// as many threads as cores and would otherwise be serialised by a single slow query.
final class ConnectionThread: Sendable {
    private struct State {
        var jobs: [@Sendable () -> Void] = []
        var head = 0
        var stopping = false
    }

    private let state = Mutex(State())
    private let wakeUp = NSCondition()
    /// Tells this thread from others in debug checks (`preconditionIsCurrent`).
    private let id = ConnectionThread.nextID.add(1, ordering: .relaxed).newValue
    private static let nextID = Atomic<Int>(0)
    private static let threadKey = "qgather.connection-thread"

    /// Starts the thread; `name` shows in debuggers, `top -H` and `/proc/PID/task/*/comm`
    /// (Linux keeps 15 bytes of it).
    init(name: String) {
        let osName = String(decoding: name.utf8.prefix(15), as: UTF8.self)
        let thread = Thread { [self] in
            // Foundation names the OS thread only when the thread names itself, and Linux refuses
            // a name over 15 bytes.
            Thread.current.name = osName
            Thread.current.threadDictionary[ConnectionThread.threadKey] = self.id
            self.loop()
        }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Debug builds stop here unless called on this thread: the handle confined to it must not be
    /// touched from anywhere else (GRDB's `SchedulingWatchdog` pattern). The one exception, a
    /// connection closed on the pool's closer thread while this one is idle, does not call it.
    func preconditionIsCurrent(_ function: StaticString = #function) {
        #if DEBUG
        precondition(isCurrent, "\(function) touched a database handle off its connection's thread")
        #endif
    }

    /// Whether the caller runs on this thread.
    var isCurrent: Bool {
        Thread.current.threadDictionary[ConnectionThread.threadKey] as? Int == id
    }

    /// Runs `body` on this thread and returns its result to the awaiting task.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
            submit {
                continuation.resume(with: Result { try body() })
            }
        }
    }

    /// Enqueues `job` without waiting for it.
    func submit(_ job: @escaping @Sendable () -> Void) {
        wakeUp.lock()
        state.withLock { $0.jobs.append(job) }
        wakeUp.signal()
        wakeUp.unlock()
    }

    /// Lets the thread finish the jobs already queued, then exit.
    func stop() {
        wakeUp.lock()
        state.withLock { $0.stopping = true }
        wakeUp.signal()
        wakeUp.unlock()
    }

    private func loop() {
        while true {
            wakeUp.lock()
            var next: (@Sendable () -> Void)?
            var exit = false
            while next == nil && !exit {
                state.withLock { s in
                    if s.head < s.jobs.count {
                        next = s.jobs[s.head]
                        s.head += 1
                        if s.head == s.jobs.count {
                            s.jobs.removeAll(keepingCapacity: true)
                            s.head = 0
                        }
                    } else if s.stopping {
                        exit = true
                    }
                }
                if next == nil && !exit { wakeUp.wait() }
            }
            wakeUp.unlock()
            if let job = next { job() } else { return }
        }
    }
}

extension ConnectionThread {
    /// Runs one query's blocking work on this thread. Cancelling the calling task stops the
    /// query through `control` (the driver's interrupt); an error is attached to `query`.
    func runQuery(_ query: Query, control: QueryControl,
                  _ body: @escaping @Sendable () -> Result<RowSet, QueryError>) async throws(QueryError) -> RowSet {
        let result: Result<RowSet, QueryError>
        do {
            result = try await withTaskCancellationHandler {
                try await run(body)
            } onCancel: {
                control.stop(.cancelled)
            }
        } catch {
            throw QueryError(kind: .connectionLost, code: .internal, message: "\(error)")
        }
        switch result {
        case .success(let rows): return rows
        case .failure(var error):
            error.attach(to: query)
            throw error
        }
    }
}

extension ConnectionThread {
    /// Starts a thread named `name` and opens a handle on it with `open`; on failure the thread
    /// stops and the error is thrown. The handle then belongs to the returned thread.
    static func open<Handle: Sendable>(name: String, displayName: String,
                                       _ open: @escaping @Sendable () -> Result<Handle, DatabaseOpenError>)
        async throws(DatabaseOpenError) -> (ConnectionThread, Handle) {
        let thread = ConnectionThread(name: name)
        let opened: Result<Handle, DatabaseOpenError>
        do {
            opened = try await thread.run(open)
        } catch {
            thread.stop()
            throw DatabaseOpenError(target: displayName, message: "\(error)")
        }
        switch opened {
        case .success(let handle): return (thread, handle)
        case .failure(let error):
            thread.stop()
            throw error
        }
    }
}
