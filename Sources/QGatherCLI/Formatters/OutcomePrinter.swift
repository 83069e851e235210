import Foundation
import QGather

/// The formatter and stdout behind one lock: outcomes come from the batch's consumer task, and
/// the head query's streamed rows from its connection's thread.
final class OutcomePrinter: RowStreamSink, @unchecked Sendable {
    private var formatter: any OutcomeFormatter
    private let output: OutputWriter
    private let lock = NSLock()
    /// Whether the format prints rows as they come (the CLI then asks the gatherer to stream).
    let streamsRows: Bool

    init(formatter: any OutcomeFormatter, output: OutputWriter) {
        self.formatter = formatter
        self.output = output
        streamsRows = formatter.streamsRows
    }

    func begin() {
        lock.withLock { formatter.begin(into: output) }
    }

    /// Writes an outcome; `flush` sends it out at once (a result shows as soon as it is ready,
    /// unless the next one is ready too).
    func write(_ outcome: QueryOutcome, flush: Bool = true) {
        lock.withLock {
            formatter.write(outcome, into: output)
            if flush { output.flush() }
        }
    }

    func end() {
        lock.withLock {
            formatter.end(into: output)
            output.flush()
        }
    }

    func begin(_ query: Query, columns: [Column], realRendering: RealRendering) {
        lock.withLock { formatter.beginRows(query, columns: columns, realRendering: realRendering, into: output) }
    }

    func rows(_ rows: RowChunk, of query: Query, realRendering: RealRendering) {
        lock.withLock { formatter.writeRows(rows, realRendering: realRendering, into: output) }
    }
}
