/// One query's result from a pipeline, with the time the connection spent on it.
struct PipelinedResult: Sendable {
    /// The rows, or the error (attached to its query).
    var result: Result<RowSet, QueryError>
    /// When the query's turn began: the pipeline was sent, or the previous query's results ended.
    var started: ContinuousClock.Instant
    /// When its results ended.
    var ended: ContinuousClock.Instant
    /// Set when no result came back for this query: whether it may have taken effect anyway
    /// (see `RerunPolicy`, which decides whether it runs elsewhere). Nil: the result stands.
    var rerun: AttemptEffect?
    /// False for a query a run stopped before it started (cancelled): it has no timing.
    var ran = true
}

/// A connection that can take several queries at once: one round trip and one thread hand-off
/// for the lot instead of one per query (PostgreSQL's pipeline mode; SQLite's runs of
/// statements stepped back to back on the connection's thread).
protocol PipeliningConnection: DatabaseConnection {
    /// Sends every query at once and reads their results in order. Each query is its own
    /// transaction and its own error: a failure affects no other query of the pipeline.
    /// `control` stops the whole pipeline (every query still running or queued is cancelled).
    /// When the connection breaks, the queries without a result come back with `rerun` set:
    /// `.none` for those never sent, `.unknown` for those sent. With `stopAtFirstError`
    /// (fail-fast), a connection that has not yet started the queries after a failing one
    /// cancels them (SQLite's runs do; a PostgreSQL pipeline has sent them all already).
    func executePipeline(_ queries: [Query], channels: [RowChannel?], control: QueryControl, stopAtFirstError: Bool) async -> [PipelinedResult]
}

extension DatabaseDriver {
    /// Whether this driver's connections may run several read-only queries in one pipeline
    /// (see `PipeliningConnection`). False unless the driver says so.
    var supportsPipelining: Bool { (self as? any PipelineCapableDriver)?.pipelining ?? false }
}

/// A driver whose connections can pipeline, when its session mode allows it.
protocol PipelineCapableDriver: DatabaseDriver {
    /// True when queries of a parallel batch may share a pipeline on one connection.
    var pipelining: Bool { get }
    /// The bytes `query` takes in a pipeline's requests (the planner caps their sum).
    func pipelineRequestSize(of query: Query) -> Int
}
