/// What became of one query on one target of a fleet (fan-out).
public struct TargetOutcome: Sendable {
    /// The target's label.
    public var label: String
    /// This target's rows, error, or cancellation. When the fleet does not keep each target's
    /// rows (`FleetOptions.keepsTargetRows`), a row set here holds the columns and no rows.
    public var result: QueryOutcome.Result
    /// Rows this target returned (also when its rows are not kept).
    public var rowCount: Int
    /// When the query started on this target, from the start of the batch.
    public var startOffset: Duration?
    /// How long it ran on this target.
    public var duration: Duration?
    /// How many times it was attempted on this target.
    public var attempts: Int

    /// Creates a target outcome.
    public init(label: String, result: QueryOutcome.Result, rowCount: Int = 0, startOffset: Duration? = nil, duration: Duration? = nil,
                attempts: Int = 1) {
        self.label = label
        self.result = result
        self.rowCount = rowCount
        self.startOffset = startOffset
        self.duration = duration
        self.attempts = attempts
    }

    /// `ok`, `error`, `failed-check` or `cancelled`.
    public var status: QueryOutcome.Status { QueryOutcome.Status(result) }

    /// This target's rows, if the query succeeded on it.
    public var rowSet: RowSet? { result.rowSet }

    /// The error, if the query failed on this target.
    public var error: QueryError? { result.error }
}
