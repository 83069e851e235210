/// What a pipeline decides, apart from what it does: which queries went out, the result each
/// got, whether the link broke, which may run again (`AttemptEffect`), and how errors read once
/// the pipeline is over. `PostgresConnection.pipelineOnThread` does the libpq calls and feeds
/// this value, in the style of PostgresNIO's state machines.
struct PipelineRun {
    /// A query sent through a named prepared statement: its cache key, and whether its Prepare
    /// went out with it.
    typealias NamedStatement = (sql: String, preparing: Bool)

    /// How many queries the pipeline holds.
    let count: Int
    /// The results so far, in query order.
    private(set) var results: [PipelinedResult] = []
    /// For each query sent, its named statement if it used one.
    private(set) var named: [NamedStatement?] = []
    /// Set once a query's results did not end with its sync point: the link broke.
    private(set) var broken = false

    init(count: Int) {
        self.count = count
        results.reserveCapacity(count)
    }

    /// How many queries libpq took.
    var sent: Int { named.count }
    /// Whether every query has its result.
    var isComplete: Bool { results.count == count }

    /// Records that the next query went out (through `statement`, if named).
    mutating func recordSent(_ statement: NamedStatement?) {
        named.append(statement)
    }

    /// Records the next query's outcome; `preparationFailed` when its Prepare's error is the
    /// outcome. Returns the named statement the cache must forget, if any.
    mutating func record(_ outcome: Result<RowSet, QueryError>, preparationFailed: Bool,
                         started: ContinuousClock.Instant, ended: ContinuousClock.Instant) -> String? {
        let statement = named[results.count]
        var rerun: AttemptEffect?
        var forget: String?
        if case .failure(let error) = outcome {
            if error.code == .featureNotSupported || error.code == .invalidSQLStatementName, let statement, !statement.preparing {
                // The named statement did not serve: "cached plan must not change result type" (a
                // table changed under it), or "prepared statement does not exist" (its Prepare,
                // earlier in this pipeline, failed). The query did nothing; it runs again unnamed.
                forget = statement.sql
                rerun = AttemptEffect.none
            }
            if error.kind == .connectionLost, !preparationFailed {
                // No result of this read came back before the link went down: the server may have run it.
                rerun = .unknown
            }
        }
        if preparationFailed, let statement { forget = statement.sql }
        results.append(PipelinedResult(result: outcome, started: started, ended: ended, rerun: rerun))
        return forget
    }

    /// Records that a query's results did not end with its sync point.
    mutating func recordBreak() {
        broken = true
    }

    /// Fills in the queries without a result with `error`: the sent ones may have run, the
    /// others did not; `standing` when nothing ran and nothing runs again (a stop before sending).
    mutating func failRest(with error: QueryError, at now: ContinuousClock.Instant, standing: Bool = false) {
        while results.count < count {
            let effect: AttemptEffect? = standing ? nil : results.count < sent ? .unknown : AttemptEffect.none
            results.append(PipelinedResult(result: .failure(error), started: now, ended: now, rerun: effect))
        }
    }

    /// The results as the pipeline ends: a server-side cancel reads as the stop that caused it
    /// (`stopReason`), and after a lost link every failure is the lost connection's.
    func settled(stopReason: QueryControl.StopReason?, lost: Bool) -> [PipelinedResult] {
        results.map { item in
            guard case .failure(var error) = item.result else { return item }
            if let stopReason, error.code == .queryCanceled {
                error = QueryControl.error(for: stopReason)
            } else if lost {
                error.kind = .connectionLost
            }
            var item = item
            item.result = .failure(error)
            return item
        }
    }
}
