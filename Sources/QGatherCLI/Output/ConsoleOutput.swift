import Foundation
import QGather

/// What the end of a run needs to know of its outcomes (their rows are written and dropped).
struct DeliveryTally: Sendable {
    /// Queries that failed (with several targets: (query, target) pairs).
    var failed = 0
    /// Queries cancelled (pairs, with fan-out).
    var cancelled = 0
    /// Queries (pairs, with fan-out) that got a connection and started.
    var started = 0
    /// Queries (pairs) that failed because their database could not be opened.
    var unreachable = 0
    /// Outcomes counted: queries, or (query, target) pairs with fan-out.
    var total = 0
    /// Fan-out: the targets a query could not run on because they could not be opened.
    var unreachableTargets = Set<String>()
    /// Each query's timing, when `--timing` or `--timing-json` asks for them.
    var timings: [TimingReport.Entry] = []
    /// How long each query that succeeded ran, by index, for the duration history.
    var durations: [(index: Int, duration: Duration)] = []

    /// Counts a query's outcome: itself, or each of its (query, target) pairs with fan-out.
    mutating func add(_ outcome: QueryOutcome, keepTimings: Bool) {
        let targets = outcome.targets
        guard !targets.isEmpty else {
            count(outcome.status, error: outcome.error, started: outcome.startOffset != nil)
            if keepTimings { timings.append(TimingReport.Entry(outcome)) }
            return
        }
        for target in targets {
            // One switch over the result: reading `status` and `error` of a `TargetOutcome` one
            // after the other crashes Swift 6.3.1's optimizer (CopyPropagation) in release builds.
            let (status, error): (QueryOutcome.Status, QueryError?) = switch target.result {
            case .rows: (.ok, nil)
            case .failed(let failure): (failure.kind == .checkFailed ? .failedCheck : .error, failure)
            case .cancelled: (.cancelled, nil)
            }
            count(status, error: error, started: target.startOffset != nil, target: target.label)
            if keepTimings { timings.append(TimingReport.Entry(outcome.query, target: target)) }
        }
    }

    /// Counts one outcome (a query's, or a pair's).
    mutating func count(_ status: QueryOutcome.Status, error: QueryError?, started: Bool, target: String? = nil) {
        total += 1
        if started { self.started += 1 }
        switch status {
        case .ok: break
        case .error, .failedCheck: failed += 1
        case .cancelled: cancelled += 1
        }
        if error?.code == .connect {
            unreachable += 1
            if let target { unreachableTargets.insert(target) }
        }
    }
}

/// The one writer of a batch run: results (through its `OutcomeSink`), error lines, the
/// progress line and the final reports all go through this actor.
///
/// One writer at a time means the progress line is erased before anything else reaches the
/// terminal, and redrawn by the next tick below it. The actor runs on `OutputExecutor`'s own
/// queue, so blocking writes (a slow pipe, a full disk) never occupy the cooperative pool.
actor ConsoleOutput {
    private let executor = OutputExecutor(label: "qgather.output")
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private var sink: any OutcomeSink
    private let stderr: Terminal
    private let stdoutIsTerminal: Bool
    private let errors = OutputWriter(descriptor: 2)
    private var progressShown = false
    /// The first write of results that failed (standard output or a result file): nothing more
    /// is written, and the batch is cancelled.
    private(set) var outputFailure: OutputError?
    /// Cancels the batch once output fails (set by `deliverAll`).
    private var cancelBatch: (@Sendable () -> Void)?
    /// Everything was written: a reader that goes away now has missed nothing.
    private var finished = false

    /// A console writing outcomes to `sink`; `stderr` describes standard error's terminal.
    init(sink: sending any OutcomeSink, stderr: Terminal = Terminal(descriptor: 2), stdoutIsTerminal: Bool = isatty(1) == 1) {
        self.sink = sink
        self.stderr = stderr
        self.stdoutIsTerminal = stdoutIsTerminal
    }

    /// Starts the output (an opening `[` for json).
    func begin() {
        attempt { (sink: inout any OutcomeSink) throws(OutputError) in try sink.begin() }
    }

    /// Writes one outcome, in input order, and reports a failed query on stderr.
    func deliver(_ outcome: QueryOutcome, flush: Bool = true) {
        if sink.writesToStdout && stdoutIsTerminal { clearProgress() }
        attempt { (sink: inout any OutcomeSink) throws(OutputError) in try sink.write(outcome, flush: flush) }
        if outcome.targets.isEmpty {
            if case .failed(let error) = outcome.result { printError(error.description) }
        } else {
            for target in outcome.targets {
                if let error = target.error { printError("\(target.label): \(error.description)") }
            }
        }
    }

    /// Writes every outcome of `stream` as it arrives, in order, and counts them. The loop runs
    /// on this actor's executor, so outcomes that are already waiting are written one after the
    /// other with no hop between threads, and output is flushed only when none is waiting.
    /// `keepDuration` says which succeeded queries' durations to keep for the history.
    func deliverAll(_ stream: OutcomeStream, keepTimings: Bool, keepDuration: (@Sendable (Int, Duration) -> Bool)? = nil) async -> DeliveryTally {
        cancelBatch = { stream.cancel() }
        if outputFailure != nil { stream.cancel() }
        var tally = DeliveryTally()
        var outcomes = stream.makeAsyncIterator()
        while let outcome = await outcomes.next(isolation: self) {
            deliver(outcome, flush: !outcomes.hasReadyOutcome)
            tally.add(outcome, keepTimings: keepTimings)
            if let keepDuration, outcome.status == .ok, let duration = outcome.duration, keepDuration(outcome.query.index, duration) {
                tally.durations.append((outcome.query.index, duration))
            }
        }
        return tally
    }

    /// Ends the output (closing `]`, `summary.json`).
    func end(wall: Duration) {
        attempt { (sink: inout any OutcomeSink) throws(OutputError) in try sink.end(wall: wall) }
        finished = outputFailure == nil
    }

    /// Draws the progress line for `snapshot` in place of the previous one.
    func showProgress(_ snapshot: ProgressSnapshot) {
        let width = stderr.columns ?? 80
        errors.write(TextStyle.clearLine + ProgressLine.render(snapshot, width: width, color: stderr.allowsColor))
        errors.flush()
        progressShown = true
    }

    /// Erases the progress line, if one is shown.
    func clearProgress() {
        guard progressShown else { return }
        errors.write(TextStyle.clearLine)
        errors.flush()
        progressShown = false
    }

    /// Writes `text` and a newline to stderr (after erasing the progress line).
    func printError(_ text: String) {
        clearProgress()
        errors.write(text.hasSuffix("\n") ? text : text + "\n")
        errors.flush()
    }

    /// Writes `text` to the file at `path` (replacing it); reports a failure on stderr.
    func writeFile(_ text: String, to path: String) -> Bool {
        do {
            try OutputFile.write(text, to: path)
            return true
        } catch {
            printError("qgather: \(error.description)")
            return false
        }
    }

    /// Runs `body` (which may block, e.g. on a file) on this actor's own queue.
    func perform(_ body: @Sendable () -> Void) {
        body()
    }

    /// Standard output's reader went away (`| head`), seen before a write failed: stop as for a
    /// failed write.
    func readerGone() {
        guard !finished else { return }
        fail(OutputError(path: OutputError.standardOutput, errno: EPIPE))
    }

    private func attempt(_ body: (inout any OutcomeSink) throws(OutputError) -> Void) {
        guard outputFailure == nil else { return }
        do {
            try body(&sink)
        } catch {
            fail(error)
        }
    }

    /// Records the first output failure, says what could not be written (a closed pipe needs no
    /// word: the reader asked for no more), and cancels the running queries in the database.
    private func fail(_ error: OutputError) {
        guard outputFailure == nil else { return }
        outputFailure = error
        if !error.readerGone { printError("qgather: \(error.description)") }
        cancelBatch?()
    }
}
