import ArgumentParser
import QGather

/// How a batch runs: concurrency, pool, error policy, timeout.
struct RunOptions: ParsableArguments {
    @Option(name: [.short, .long], help: "Queries in flight at once (1-1000; default: number of cores for SQLite, 8 for PostgreSQL).")
    var jobs: Int?

    @Option(name: .long, help: "Most connections the pool opens (default: --jobs).")
    var poolSize: Int?

    @Flag(name: .long, help: "Run every query even after one fails (default: the first failure cancels the rest).")
    var keepGoing = false

    @Option(name: .long, help: "Interrupt a query that runs longer than this: 500ms, 5s, 2m.")
    var timeout: String?

    func validate() throws {
        if let jobs, !(1...1000).contains(jobs) { throw ValidationError("--jobs must be between 1 and 1000 (got \(jobs))") }
        if let poolSize, !(1...1000).contains(poolSize) { throw ValidationError("--pool-size must be between 1 and 1000 (got \(poolSize))") }
        if let timeout, DurationText.parse(timeout) == nil {
            throw ValidationError("--timeout '\(timeout)' is not a duration like 500ms, 5s or 2m")
        }
    }

    /// The gather options these flags describe; `defaultJobs` applies when `--jobs` is not given.
    func gatherOptions(defaultJobs: Int) -> GatherOptions {
        GatherOptions(jobs: jobs ?? defaultJobs, policy: keepGoing ? .collect : .failFast, timeout: timeout.flatMap(DurationText.parse))
    }
}
