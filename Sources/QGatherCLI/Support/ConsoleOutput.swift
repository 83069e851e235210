import Foundation
import QGather

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
    /// Whether a result file could not be written.
    private(set) var outputFailed = false

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
    func deliver(_ outcome: QueryOutcome) {
        if sink.writesToStdout && stdoutIsTerminal { clearProgress() }
        attempt { (sink: inout any OutcomeSink) throws(OutputError) in try sink.write(outcome) }
        if case .failed(let error) = outcome.result { printError(error.description) }
    }

    /// Ends the output (closing `]`, `summary.json`).
    func end(wall: Duration) {
        attempt { (sink: inout any OutcomeSink) throws(OutputError) in try sink.end(wall: wall) }
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
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return true
        } catch {
            printError("qgather: \(path): cannot write: \((error as NSError).localizedDescription)")
            return false
        }
    }

    private func attempt(_ body: (inout any OutcomeSink) throws(OutputError) -> Void) {
        do {
            try body(&sink)
        } catch {
            outputFailed = true
            printError("qgather: \(error.description)")
        }
    }
}
