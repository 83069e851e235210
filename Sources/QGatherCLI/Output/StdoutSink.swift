import Foundation
import QGather

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

    func whenWriteFails(_ handler: @escaping @Sendable () -> Void) {
        printer.whenWriteFails(handler)
    }

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
