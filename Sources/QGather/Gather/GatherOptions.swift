import Foundation

/// What happens to the rest of a batch when one query fails.
public enum ErrorPolicy: String, Sendable, Hashable {
    /// The first failure interrupts every running query and starts no pending one (the default).
    case failFast = "fail-fast"
    /// Every query runs to its own end; each error takes its query's slot (`--keep-going`).
    case collect
}

/// How a batch is run.
public struct GatherOptions: Sendable {
    /// Queries running at once, each on a connection of its own (at least 1). Separate from the
    /// pool's maximum. On PostgreSQL, a run of quick read-only queries may go to one connection as
    /// a pipeline (see `PipelinePlanner`), so more than `jobs` of them may be sent at a time.
    public var jobs: Int
    /// What a failure does to the rest of the batch.
    public var policy: ErrorPolicy
    /// Interrupts a query in the database once it has run this long.
    public var timeout: Duration?
    /// Every query sees the same committed state of the database (`--snapshot`).
    public var snapshot: Bool
    /// Runs the batch in order on one connection whose session state carries over, like `psql -f` (`--serial`).
    public var serial: Bool
    /// Retries a read-only query that failed with a transient error (busy/locked, serialization
    /// failure, deadlock, a connection lost before it started) up to this many times, with backoff.
    public var retries: Int
    /// Optional observer of query starts and ends (see `GatherEvent`), e.g. for a progress line.
    /// It runs on the gather's tasks, so it must be quick and never block. `nil` by default.
    public var onEvent: (@Sendable (GatherEvent) -> Void)?
    /// When PostgreSQL pipelines deepen and shrink (tests set it to make that independent of
    /// the machine's load).
    var pipelineTuning = PipelinePlanner.Tuning()
    /// Slots shared with the other targets of a fleet: a query holds one while it has a connection.
    package var slotGate: SlotGate?
    /// The order queries start in, as a permutation of their indices (the CLI's longest-first
    /// schedule); nil for input order. Ignored by a serial run. Outcomes keep input order.
    package var startOrder: [Int]?
    /// Runs every query inside a read-only transaction (see `RerunPolicy`): a spread's second
    /// attempt at a query whose connection was lost after it was sent.
    package var guardsWrites = false

    /// Creates options; `jobs` defaults to the number of cores.
    public init(jobs: Int? = nil, policy: ErrorPolicy = .failFast, timeout: Duration? = nil, snapshot: Bool = false,
                serial: Bool = false, retries: Int = 0, onEvent: (@Sendable (GatherEvent) -> Void)? = nil) {
        self.jobs = serial ? 1 : max(1, jobs ?? GatherOptions.defaultJobs)
        self.policy = policy
        self.timeout = timeout
        self.snapshot = snapshot
        self.serial = serial
        self.retries = max(0, retries)
        self.onEvent = onEvent
    }

    /// The number of cores: SQLite computes in-process, so more parallel queries than cores only add contention.
    public static var defaultJobs: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }
}
