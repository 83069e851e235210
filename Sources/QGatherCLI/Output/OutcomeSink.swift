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
    /// Calls `handler` when a write fails between outcomes (while rows stream).
    func whenWriteFails(_ handler: @escaping @Sendable () -> Void)
    /// Where the head query's rows may stream as they are read, if this sink's format allows it.
    var rowStream: (any RowStreamSink)? { get }
}

extension OutcomeSink {
    var rowStream: (any RowStreamSink)? { nil }
    /// Files are written whole, when their outcome is: nothing fails in between.
    func whenWriteFails(_ handler: @escaping @Sendable () -> Void) {}
}
