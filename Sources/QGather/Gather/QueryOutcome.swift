/// What became of one query of a batch.
public struct QueryOutcome: Sendable {
    /// The result proper.
    public enum Result: Sendable {
        /// The query ran: its rows, or its change count for DML.
        case rows(RowSet)
        /// The query failed (a database error, a timeout, a lost connection). Boxed: an error
        /// is several times the size of the other cases, and every outcome would carry its room.
        indirect case failed(QueryError)
        /// The query was cancelled before or while running (fail-fast, or the gather was cancelled).
        case cancelled

        /// The rows, if the query succeeded.
        public var rowSet: RowSet? {
            if case .rows(let rows) = self { return rows }
            return nil
        }

        /// The error, if the query failed.
        public var error: QueryError? {
            if case .failed(let error) = self { return error }
            return nil
        }
    }

    /// A one-word status, as printed in JSON.
    public enum Status: String, Sendable {
        /// Succeeded.
        case ok
        /// Failed.
        case error
        /// Ran, but its result did not meet its expectation (`-- expect:`).
        case failedCheck = "failed-check"
        /// Cancelled.
        case cancelled

        /// The status of `result`.
        public init(_ result: Result) {
            switch result {
            case .rows: self = .ok
            case .failed(let error): self = error.kind == .checkFailed ? .failedCheck : .error
            case .cancelled: self = .cancelled
            }
        }

        /// Whether the query failed: an error, or a check not met.
        public var isFailure: Bool { self == .error || self == .failedCheck }
    }

    /// The query this outcome belongs to.
    public var query: Query
    /// Rows, error, or cancelled.
    public var result: Result
    /// When the query started, from the start of the batch; `nil` if it never started.
    public var startOffset: Duration?
    /// How long it ran; `nil` if it never started.
    public var duration: Duration?
    /// How many times it was attempted (more than 1 only with retries).
    public var attempts: Int
    /// Run on a fleet with fan-out: this query's outcome on each target, in target order
    /// (`result` then holds the rows of every target that answered, merged). Empty otherwise.
    public var targets: [TargetOutcome] = []
    /// Run on a fleet with spread: the label of the target that served the query.
    public var servedBy: String?

    /// Creates an outcome.
    public init(query: Query, result: Result, startOffset: Duration? = nil, duration: Duration? = nil, attempts: Int = 1) {
        self.query = query
        self.result = result
        self.startOffset = startOffset
        self.duration = duration
        self.attempts = attempts
    }

    /// `ok`, `error`, `failed-check` or `cancelled`. With fan-out: `error` if the query failed
    /// on any target, else `failed-check` if its check failed on any, else `cancelled` if it
    /// was cancelled on any.
    public var status: Status {
        if !targets.isEmpty {
            let statuses = targets.map { Status($0.result) }
            for status in [Status.error, .failedCheck, .cancelled] where statuses.contains(status) { return status }
            return .ok
        }
        return Status(result)
    }

    /// The rows, if the query succeeded.
    public var rowSet: RowSet? { result.rowSet }

    /// The error, if the query failed.
    public var error: QueryError? { result.error }

    /// The rows, or the query's error (`QueryError.cancelled` for a cancelled query). With
    /// fan-out, the first target's error if the query did not succeed on every target (the rows
    /// of those that answered stay in `rowSet` and `targets`).
    public func get() throws(QueryError) -> RowSet {
        if let failed = targets.first(where: { $0.status != .ok }) {
            if let error = failed.error { throw error }
            throw QueryError.cancelled(query)
        }
        switch result {
        case .rows(let rows): return rows
        case .failed(let error): throw error
        case .cancelled: throw QueryError.cancelled(query)
        }
    }
}
