import Synchronization

/// Lets another task interrupt one running query, safely: an interrupt only reaches the
/// database while this query is the one running, never the next query on the same connection.
public final class QueryControl: Sendable {
    /// Why a query was stopped.
    public enum StopReason: Sendable, Equatable {
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
    public init() {}

    /// Asks the query to stop; the first reason wins. Interrupts the database if the query is running.
    public func stop(_ reason: StopReason) {
        state.withLock { s in
            guard s.reason == nil, !s.finished else { return }
            s.reason = reason
            s.interrupt?()
        }
    }

    /// Why the query was asked to stop, if it was.
    public var stopReason: StopReason? { state.withLock { $0.reason } }

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
            return QueryError(kind: .timedOut, code: "timeout", message: "timed out after \(DurationText.short(limit)), interrupted")
        }
    }
}
