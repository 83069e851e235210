import Synchronization
import Foundation

/// Hands out connections to one database, opening them lazily up to `maxConnections`.
///
/// Waiters are served first come, first served; a waiter whose task is cancelled withdraws.
/// A connection that comes back unusable is closed and its slot reopened for the next waiter.
/// When the database refuses a new connection while others are open (PostgreSQL's
/// `max_connections` or a role's `CONNECTION LIMIT`), the pool stops growing at the number it
/// has, for its lifetime, and the lease waits for one of them instead of failing.
/// The state lives behind one lock; connecting and closing happen outside it.
package final class ConnectionPool: Sendable {
    /// What a waiter is handed: a connection, or the right to open one.
    private enum Grant: Sendable {
        case connection(any DatabaseConnection)
        case openSlot
    }

    private struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<Grant, Error>
    }

    private struct State {
        var idle: [any DatabaseConnection] = []
        var open = 0  // open or opening
        var peakOpen = 0
        var waiters: [Waiter] = []
        var nextWaiterID = 0
        var closed = false
        var ceiling: Int  // maxConnections, lowered when the database refuses more

        /// Counts one more connection as open if the pool may grow; false if it is full.
        mutating func reserveSlot() -> Bool {
            guard open < ceiling else { return false }
            open += 1
            peakOpen = max(peakOpen, open)
            return true
        }
    }

    /// The most connections the pool ever holds at once.
    package let maxConnections: Int
    /// The driver that opens connections.
    package let driver: any DatabaseDriver
    /// Where the pool and the queries on its connections report (logs, metrics, spans).
    package let instruments: DatabaseInstruments
    private let state: Mutex<State>

    /// Creates a pool of at most `maxConnections` (at least 1) connections from `driver`.
    package init(driver: any DatabaseDriver, maxConnections: Int, instruments: DatabaseInstruments = .silent) {
        self.driver = driver
        self.instruments = instruments
        self.maxConnections = max(1, maxConnections)
        state = Mutex(State(ceiling: max(1, maxConnections)))
    }

    /// Connections currently open (leased or idle).
    package var openConnections: Int { state.withLock { $0.open } }
    /// The highest number of connections open at once so far.
    package var peakOpenConnections: Int { state.withLock { $0.peakOpen } }
    /// Connections open and not leased.
    package var idleConnections: Int { state.withLock { $0.idle.count } }

    /// Takes a connection, waiting for one if all are leased. Throws `CancellationError` if the
    /// task is cancelled while waiting, or the driver's `DatabaseOpenError` if connecting fails.
    package func lease() async throws -> any DatabaseConnection {
        enum Step { case use(any DatabaseConnection), open, wait, closed }
        let step: Step = state.withLock { s in
            if s.closed { return .closed }
            if let connection = s.idle.popLast() { return .use(connection) }
            if s.reserveSlot() { return .open }
            return .wait
        }
        switch step {
        case .use(let connection): return connection
        case .open: return try await openReserved()
        case .closed: throw CancellationError()
        case .wait: return try await waitAndTake()
        }
    }

    private func waitAndTake() async throws -> any DatabaseConnection {
        let started = ContinuousClock.now
        let grant = try await waitForGrant()
        instruments.leaseWaited(ContinuousClock.now - started)
        switch grant {
        case .connection(let connection): return connection
        case .openSlot: return try await openReserved()
        }
    }

    /// Returns a leased connection. Unusable connections are closed and replaced on demand.
    package func release(_ connection: any DatabaseConnection) {
        guard connection.isUsable else {
            discard(connection)
            return
        }
        enum Next { case handTo(Waiter), keep, close }
        let next: Next = state.withLock { s in
            if s.closed { return .close }
            if !s.waiters.isEmpty { return .handTo(s.waiters.removeFirst()) }
            s.idle.append(connection)
            return .keep
        }
        switch next {
        case .handTo(let waiter): waiter.continuation.resume(returning: .connection(connection))
        case .keep: break
        case .close: discard(connection)
        }
    }

    /// Closes the idle connections and keeps the pool open: a later lease opens new ones. A
    /// fleet calls it once a target's queries are done, to give back its descriptors.
    package func closeIdle() async {
        let idle = state.withLock { s in
            defer {
                s.open -= s.idle.count
                s.idle = []
            }
            return s.idle
        }
        for connection in idle {
            await connection.close()
            instruments.connectionClosed()
        }
    }

    /// Closes every idle connection and fails every waiter; leased connections close when released.
    package func close() async {
        let (idle, waiters) = state.withLock { s in
            s.closed = true
            defer {
                s.open -= s.idle.count
                s.idle = []
                s.waiters = []
            }
            return (s.idle, s.waiters)
        }
        for waiter in waiters { waiter.continuation.resume(throwing: CancellationError()) }
        guard !idle.isEmpty else { return }
        // One thread closes them all, one after the other. Closing each on its own thread kept
        // the process alive 5-50 ms after a batch of 64 (64 threads to wake while 64 server
        // backends, told to exit, took the CPU); here the last Terminate leaves in about 1 ms.
        await withCheckedContinuation { (closed: CheckedContinuation<Void, Never>) in
            let instruments = self.instruments
            let closer = Thread {
                for connection in idle {
                    connection.closeOnCallingThread()
                    instruments.connectionClosed()
                }
                closed.resume()
            }
            closer.name = "qgather-close"
            closer.stackSize = 1 << 20
            closer.start()
        }
    }

    private func discard(_ connection: any DatabaseConnection) {
        let waiter: Waiter? = state.withLock { s in
            if !s.closed, !s.waiters.isEmpty { return s.waiters.removeFirst() }  // the slot passes on
            s.open -= 1
            return nil
        }
        waiter?.continuation.resume(returning: .openSlot)
        Task {
            await connection.close()
            instruments.connectionClosed()
        }
    }

    /// Opens a connection for a slot already counted in `open`. On failure, if other connections
    /// are open the pool stops growing and this lease waits for one of them; otherwise the slot
    /// goes to the next waiter (which tries again) and the error is thrown.
    private func openReserved() async throws -> any DatabaseConnection {
        let error: any Error
        let started = ContinuousClock.now
        do {
            let connection = try await driver.connect()
            instruments.connectionOpened(after: ContinuousClock.now - started)
            return connection
        } catch let failure {
            error = failure
            instruments.connectionFailed(failure, after: ContinuousClock.now - started)
        }
        enum Next { case wait, handOn(Waiter), fail }
        let next: Next = state.withLock { s in
            if !s.closed, s.open > 1 {
                s.open -= 1
                s.ceiling = s.open
                return .wait
            }
            if !s.closed, !s.waiters.isEmpty { return .handOn(s.waiters.removeFirst()) }
            s.open -= 1
            return .fail
        }
        switch next {
        case .wait: return try await waitAndTake()
        case .handOn(let waiter):
            waiter.continuation.resume(returning: .openSlot)
            throw error
        case .fail: throw error
        }
    }

    private func waitForGrant() async throws -> Grant {
        let id = state.withLock { s in
            defer { s.nextWaiterID += 1 }
            return s.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Grant, Error>) in
                // Look again under the lock that queues the waiter: a connection released (or a
                // slot freed) since the caller decided to wait must not sit idle while it waits.
                enum Registration { case refused, granted(Grant), queued }
                let registration: Registration = state.withLock { s in
                    if s.closed || Task.isCancelled { return .refused }
                    if let connection = s.idle.popLast() { return .granted(.connection(connection)) }
                    if s.reserveSlot() { return .granted(.openSlot) }
                    s.waiters.append(Waiter(id: id, continuation: continuation))
                    return .queued
                }
                switch registration {
                case .refused: continuation.resume(throwing: CancellationError())
                case .granted(let grant): continuation.resume(returning: grant)
                case .queued: break
                }
            }
        } onCancel: {
            let waiter: Waiter? = state.withLock { s in
                guard let i = s.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return s.waiters.remove(at: i)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }
}
