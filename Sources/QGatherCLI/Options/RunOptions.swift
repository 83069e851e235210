import ArgumentParser
import QGather

/// How a batch runs: concurrency, pool, error policy, timeout.
struct RunOptions: ParsableArguments {
    @Option(name: [.short, .long], help: "Queries running at once, one per connection (1-1000; default: number of cores for SQLite, 8 for PostgreSQL).")
    var jobs: Int?

    @Option(name: .long, help: "Most connections the pool opens (default: --jobs).")
    var poolSize: Int?

    @Flag(name: .long, help: "Run every query even after one fails (default: the first failure cancels the rest).")
    var keepGoing = false

    @Option(name: .long, help: "Interrupt a query that runs longer than this: 500ms, 5s, 2m.")
    var timeout: String?

    @Option(name: [.customLong("param"), .customShort("v")], help: ArgumentHelp("Bind :NAME placeholders to VALUE (repeatable); \\N binds NULL.", valueName: "name=value"))
    var params: [String] = []

    @Flag(name: .long, help: "Refuse every write: SQLite opens read-only, PostgreSQL sessions are read-only.")
    var readOnly = false

    @Flag(name: .long, help: "Every query sees the same committed state of the database (PostgreSQL; SQLite in WAL mode).")
    var snapshot = false

    @Flag(name: .long, help: "Run the statements in order on one connection, like psql -f (BEGIN/COMMIT and SET carry over).")
    var serial = false

    @Option(name: .customLong("init"), help: ArgumentHelp("SQL run on every new connection, e.g. \"SET search_path = shop\" (repeatable).", valueName: "sql"))
    var initSQL: [String] = []

    @Option(name: .long, help: "Retry a read-only query up to N times after a transient error (busy, locked, serialization failure, deadlock, lost connection).")
    var retries = 0

    func validate() throws {
        if let jobs, !(1...1000).contains(jobs) { throw ValidationError("--jobs must be between 1 and 1000 (got \(jobs))") }
        if let poolSize, !(1...1000).contains(poolSize) { throw ValidationError("--pool-size must be between 1 and 1000 (got \(poolSize))") }
        if snapshot && serial { throw ValidationError("--snapshot and --serial cannot be combined") }
        if !(0...10).contains(retries) { throw ValidationError("--retries must be between 0 and 10 (got \(retries))") }
        for param in params where ParameterArguments.parse(param) == nil {
            throw ValidationError("--param '\(param)' must be NAME=VALUE, NAME a letter or _ followed by letters, digits or _")
        }
        if let timeout, DurationText.parse(timeout) == nil {
            throw ValidationError("--timeout '\(timeout)' is not a duration like 500ms, 5s or 2m")
        }
    }

    /// The gather options these flags describe; `defaultJobs` applies when `--jobs` is not given.
    func gatherOptions(defaultJobs: Int) -> GatherOptions {
        GatherOptions(jobs: jobs ?? defaultJobs, policy: keepGoing ? .collect : .failFast, timeout: timeout.flatMap(DurationText.parse),
                      snapshot: snapshot, serial: serial, retries: retries)
    }
}
