import Dispatch
import QGather

/// The formatter and stdout behind one serial queue: outcomes come from the batch's consumer,
/// and the head query's streamed rows from its connection's thread.
///
/// Streamed rows are formatted and written on the queue while the connection's thread reads the
/// next ones, so a large result uses two cores: one in the engine, one formatting. At most
/// `rowChunksInFlight` chunks wait for the queue; a driver that gets further ahead blocks (its
/// own thread, never the cooperative pool), so a slow reader of stdout holds memory bounded.
/// Everything for one query is queued before its outcome arrives, and the outcome is written on
/// the same queue, so the order of the output is the order of the calls.
final class OutcomePrinter: RowStreamSink, @unchecked Sendable {
    /// Touched only on `queue`.
    private var formatter: any OutcomeFormatter
    /// Touched only on `queue`.
    private let output: OutputWriter
    private let queue = DispatchQueue(label: "qgather.rows")
    private let slots: DispatchSemaphore
    /// Whether the format prints rows as they come (the CLI then asks the gatherer to stream).
    let streamsRows: Bool
    /// Chunks of streamed rows that may wait for the output at once.
    static let rowChunksInFlight = 4

    init(formatter: any OutcomeFormatter, output: OutputWriter) {
        self.formatter = formatter
        self.output = output
        streamsRows = formatter.streamsRows
        slots = DispatchSemaphore(value: Self.rowChunksInFlight)
    }

    func begin() {
        queue.sync { formatter.begin(into: output) }
    }

    /// Writes an outcome after every row queued before it; `flush` sends it out at once (a
    /// result shows as soon as it is ready, unless the next one is ready too).
    func write(_ outcome: QueryOutcome, flush: Bool = true) {
        queue.sync {
            formatter.write(outcome, into: output)
            if flush { output.flush() }
        }
    }

    func end() {
        queue.sync {
            formatter.end(into: output)
            output.flush()
        }
    }

    /// Calls `handler` once, from the output's queue, when a write first fails: streamed rows are
    /// written there while the query still runs, and it must then stop at once.
    func whenWriteFails(_ handler: @escaping @Sendable () -> Void) {
        queue.sync { output.onFailure = handler }
    }

    /// The `errno` of the first write to the output that failed, if one did.
    var failure: Int32? {
        queue.sync { output.failure }
    }

    func begin(_ query: Query, columns: [Column], realRendering: RealRendering) {
        queue.async { self.formatter.beginRows(query, columns: columns, realRendering: realRendering, into: self.output) }
    }

    func rows(_ rows: RowChunk, of query: Query, realRendering: RealRendering) {
        slots.wait()
        queue.async {
            self.formatter.writeRows(rows, realRendering: realRendering, into: self.output)
            self.slots.signal()
        }
    }
}
