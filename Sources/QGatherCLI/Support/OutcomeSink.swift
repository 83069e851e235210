import QGather

/// Where the outcomes of a batch go, in input order: standard output (`StdoutSink`) or one file
/// per query (`OutDirWriter`). Runs on `ConsoleOutput`'s executor, so it may block.
protocol OutcomeSink {
    /// Called once before the first outcome.
    mutating func begin() throws(OutputError)
    /// Called for each outcome, in input order.
    mutating func write(_ outcome: QueryOutcome) throws(OutputError)
    /// Called once after the last outcome, with the batch's wall time.
    mutating func end(wall: Duration) throws(OutputError)
    /// Whether what this sink writes lands on standard output.
    var writesToStdout: Bool { get }
}

/// A result file that could not be written.
struct OutputError: Error, CustomStringConvertible {
    /// The file.
    let path: String
    /// Why.
    let reason: String

    var description: String { "\(path): cannot write: \(reason)" }
}

/// The formatted outcomes on standard output, flushed after each query.
struct StdoutSink: OutcomeSink {
    private var formatter: any OutcomeFormatter
    private let output = OutputWriter()

    /// Prints with `formatter`.
    init(formatter: any OutcomeFormatter) {
        self.formatter = formatter
    }

    var writesToStdout: Bool { true }

    mutating func begin() throws(OutputError) {
        formatter.begin(into: output)
    }

    mutating func write(_ outcome: QueryOutcome) throws(OutputError) {
        formatter.write(outcome, into: output)
        output.flush()
    }

    mutating func end(wall: Duration) throws(OutputError) {
        formatter.end(into: output)
        output.flush()
    }
}
