import Foundation
import QGather

/// Where the outcomes of a batch go, in input order: standard output (`StdoutSink`) or one file
/// per query (`OutDirWriter`). Runs on `ConsoleOutput`'s executor, so it may block.
protocol OutcomeSink {
    /// Called once before the first outcome.
    mutating func begin() throws(OutputError)
    /// Called for each outcome, in input order; `flush` is false when the next one is already
    /// waiting (buffered output then goes out in fewer, larger writes).
    mutating func write(_ outcome: QueryOutcome, flush: Bool) throws(OutputError)
    /// Called once after the last outcome, with the batch's wall time.
    mutating func end(wall: Duration) throws(OutputError)
    /// Whether what this sink writes lands on standard output.
    var writesToStdout: Bool { get }
    /// Where the head query's rows may stream as they are read, if this sink's format allows it.
    var rowStream: (any RowStreamSink)? { get }
}

extension OutcomeSink {
    var rowStream: (any RowStreamSink)? { nil }
}

/// Output that could not be written: a result file, or standard output.
struct OutputError: Error, CustomStringConvertible {
    /// The file, or `standard output`.
    let path: String
    /// Why.
    let reason: String
    /// Standard output's reader went away (a closed pipe): the run stops as if killed by SIGPIPE.
    var readerGone = false

    /// The failed write's `errno` on `path`.
    init(path: String, errno code: Int32) {
        self.path = path
        reason = String(cString: strerror(code))
        readerGone = code == EPIPE
    }

    /// A failure described by `reason`.
    init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    var description: String { "\(path): cannot write: \(reason)" }

    /// What standard output's failure is called.
    static let standardOutput = "standard output"
}

/// The formatted outcomes on standard output, flushed after each query that is not immediately
/// followed by another. The head query's rows
/// may also arrive through `rowStream` from a connection's thread; one lock orders both.
struct StdoutSink: OutcomeSink {
    private let printer: OutcomePrinter

    /// Prints with `formatter`.
    init(formatter: any OutcomeFormatter) {
        printer = OutcomePrinter(formatter: formatter, output: OutputWriter())
    }

    var writesToStdout: Bool { true }
    var rowStream: (any RowStreamSink)? { printer.streamsRows ? printer : nil }

    mutating func begin() throws(OutputError) {
        printer.begin()
        try check()
    }

    mutating func write(_ outcome: QueryOutcome, flush: Bool) throws(OutputError) {
        printer.write(outcome, flush: flush)
        try check()
    }

    mutating func end(wall: Duration) throws(OutputError) {
        printer.end()
        try check()
    }

    /// Throws once a write to standard output has failed (streamed rows included).
    private func check() throws(OutputError) {
        if let failure = printer.failure { throw OutputError(path: OutputError.standardOutput, errno: failure) }
    }
}
