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

    @Option(name: .long, help: ArgumentHelp("Order queries start in: longest-first (queries that took 10 ms or more in earlier runs first, from a history in ~/.cache/qgather) or file-order. Results print in file order either way.", valueName: "order"))
    var schedule: StartSchedule = .longestFirst

    @Option(name: .long, help: "With several targets: most connections at work on one target (1-1000; default 4).")
    var perTarget: Int?

    @Flag(name: .long, help: "With several targets that are copies of one database (a primary and its read replicas): run each query once, on whichever has a free connection. Reads only.")
    var spread = false

    func validate() throws {
        if let perTarget, !(1...1000).contains(perTarget) { throw ValidationError("--per-target must be between 1 and 1000 (got \(perTarget))") }
        if spread && snapshot { throw ValidationError("--spread cannot be combined with --snapshot: there is no snapshot across servers") }
        if spread && serial { throw ValidationError("--spread cannot be combined with --serial: a serial run is one session on one database") }
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

    /// PostgreSQL: `standard_conforming_strings` as the `--init` statements leave it (the server
    /// default is on); the server's own report after connecting has the last word.
    func initialStandardConformingStrings(dialect: SQLDialect) -> Bool {
        dialect == .postgres ? ScriptSplitter.standardConformingStrings(after: initSQL) ?? true : true
    }

    /// What `RESET` gives `standard_conforming_strings` in a session that starts at `value`:
    /// the same, unless `--init` set it (then the server's own default, which is not known).
    func standardConformingStringsOnReset(_ value: Bool) -> Bool? {
        initSQL.contains(where: ScriptSplitter.mentionsStandardConformingStrings) ? nil : value
    }

    /// The gather options these flags describe; `defaultJobs` applies when `--jobs` is not given.
    func gatherOptions(defaultJobs: Int) -> GatherOptions {
        GatherOptions(jobs: jobs ?? defaultJobs, policy: keepGoing ? .collect : .failFast, timeout: timeout.flatMap(DurationText.parse),
                      snapshot: snapshot, serial: serial, retries: retries)
    }
}
