/// Decides how many queries go to a connection at once when its driver can pipeline them.
///
/// A batch of many quick queries spends its time on round trips and thread hand-offs, not in
/// the database; sending several per round trip removes most of that. But a query queued behind
/// a slow one on the same connection waits while other connections may be idle, so the depth
/// adapts like a congestion window: it starts at 1 (exactly the one-query-per-connection path),
/// doubles while queries come back in under 2 ms each, and halves when they slow down. It never
/// takes more than an even share of what remains, so the tail stays spread over every connection.
struct PipelinePlanner {
    /// The deepest pipeline.
    static let maxDepth = 64
    /// A pipeline's requests stay under this many bytes, so they can be written whole before any
    /// result is read without filling the socket's buffers (which could deadlock both ends).
    static let maxBytes = 16 * 1024
    /// When the depth grows and shrinks.
    struct Tuning: Sendable {
        /// Queries faster than this (on average over a pipeline, thread hand-offs included) let
        /// the depth grow: a point select takes 0.1–0.3 ms here, on a busy machine a few ms.
        var fastQuery = Duration.milliseconds(2)
        /// Queries slower than this make it shrink.
        var slowQuery = Duration.milliseconds(10)
    }

    private let enabled: Bool
    private let tuning: Tuning
    private let dialect: SQLDialect
    /// The driver's measure of a query in a pipeline's requests.
    private let requestSize: (Query) -> Int
    private var depth = 1

    /// Pipelining applies when the driver supports it and nothing needs per-query control the
    /// pipeline cannot give: a per-query timeout or retries. A serial run takes runs on SQLite,
    /// where a run steps each statement exactly as it would alone, on the session's one
    /// connection; a serial PostgreSQL session (explicit transactions, `SET`s) sends one at a time.
    init(driver: any DatabaseDriver, options: GatherOptions) {
        enabled = driver.supportsPipelining && options.timeout == nil && options.retries == 0
            && (!options.serial || driver.dialect == .sqlite)
        dialect = driver.dialect
        requestSize = (driver as? any PipelineCapableDriver).map { driver in { driver.pipelineRequestSize(of: $0) } } ?? { $0.sqlByteCount }
        tuning = options.pipelineTuning
    }

    /// The queries to run next on one connection, starting at `start`: one, or a run of single
    /// read-only statements as long as the current depth and the share of `jobs` allow.
    func nextRun<Queries: RandomAccessCollection<Query>>(of queries: Queries, from start: Int, jobs: Int) -> Range<Int> where Queries.Index == Int {
        start..<start + nextRunQueries(of: queries, from: start, jobs: jobs).count
    }

    /// `nextRun`, as the queries themselves (each read from `queries` once).
    func nextRunQueries<Queries: RandomAccessCollection<Query>>(of queries: Queries, from start: Int, jobs: Int) -> [Query] where Queries.Index == Int {
        let first = queries[start]
        guard enabled else { return [first] }
        let remaining = queries.count - start
        let share = (remaining + jobs - 1) / jobs
        let limit = min(depth, share)
        guard limit > 1 else { return [first] }
        var run: [Query] = []
        run.reserveCapacity(limit)
        var bytes = 0
        while run.count < limit {
            let query = run.isEmpty ? first : queries[start + run.count]
            bytes += requestSize(query)
            // A query with a timeout of its own is stopped on its own, and a check's verdict
            // (which may stop the batch) comes after its run: both go alone.
            guard bytes <= Self.maxBytes, query.timeout == nil, query.expectation == nil,
                  StatementKind.isSingleRead(query, dialect: dialect) else { break }
            run.append(query)
        }
        return run.isEmpty ? [first] : run
    }

    /// Learns from a finished run of `count` queries that took `elapsed` together.
    mutating func record(count: Int, elapsed: Duration, failed: Bool) {
        guard enabled, count > 0 else { return }
        let perQuery = elapsed / count
        if failed || perQuery > tuning.slowQuery {
            depth = max(1, depth / 2)
        } else if perQuery < tuning.fastQuery {
            depth = min(Self.maxDepth, depth * 2)
        }
    }
}
