import Dispatch
import Synchronization

/// Lets another task interrupt one running query, safely: an interrupt only reaches the
/// database while this query is the one running, never the next query on the same connection.
///
/// An interrupt can land in the instant between the driver registering the query and the
/// database starting it (`sqlite3_step` clears a pending interrupt; a PostgreSQL backend ignores a
/// cancel that arrives while it is idle). So after a stop the interrupt is repeated, with
/// backoff, until the driver reports the query ended.
package final class QueryControl: Sendable {
    /// Why a query was stopped.
    package enum StopReason: Sendable, Equatable {
        /// The batch (or the calling task) was cancelled.
        case cancelled
        /// The query exceeded its timeout.
        case timedOut(Duration)
    }

    private struct State {
        var reason: StopReason?
        var interrupt: (@Sendable () -> Void)?
        var finished = false
    }

    private let state = Mutex(State())

    /// Creates a control for one query execution.
    package init() {}

    /// Asks the query to stop; the first reason wins. Interrupts the database if the query is running.
    package func stop(_ reason: StopReason) {
        let repeatInterrupt: Bool = state.withLock { s in
            guard s.reason == nil, !s.finished else { return false }
            s.reason = reason
            s.interrupt?()
            return true
        }
        if repeatInterrupt { scheduleRepeat(after: 0.02) }
    }

    /// Interrupts again while the query has not ended (see the type's documentation).
    private func scheduleRepeat(after seconds: Double) {
        ControlQueues.timers.asyncAfter(deadline: .now() + seconds) { [self] in
            let running: Bool = state.withLock { s in
                guard !s.finished else { return false }
                s.interrupt?()
                return true
            }
            if running { scheduleRepeat(after: min(seconds * 2, 0.5)) }
        }
    }

    /// Why the query was asked to stop, if it was.
    package var stopReason: StopReason? { state.withLock { $0.reason } }

    /// Called by a driver as the query starts, with the action that interrupts it.
    /// Returns the stop reason instead if the query was stopped before it started.
    func begin(interrupt: @escaping @Sendable () -> Void) -> StopReason? {
        state.withLock { s in
            if let reason = s.reason { return reason }
            s.interrupt = interrupt
            return nil
        }
    }

    /// Called by a driver when the query has ended; no interrupt is sent after this returns.
    @discardableResult
    func end() -> StopReason? {
        state.withLock { s in
            s.interrupt = nil
            s.finished = true
            return s.reason
        }
    }

    /// The error that reports a stop for `reason`.
    static func error(for reason: StopReason) -> QueryError {
        switch reason {
        case .cancelled:
            return .cancelled()
        case .timedOut(let limit):
            return QueryError(kind: .timedOut, code: .timedOut, message: "timed out after \(DurationText.short(limit)), interrupted")
        }
    }
}
