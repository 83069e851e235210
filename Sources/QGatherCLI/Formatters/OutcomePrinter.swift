import Dispatch
import QGather
import Synchronization

/// The formatter and stdout, written by one caller at a time: outcomes come from the batch's
/// consumer, and the head query's streamed rows from its connection's thread.
///
/// Streamed rows are formatted and written on a serial queue while the connection's thread reads
/// the next ones, so a large result uses two cores: one in the engine, one formatting. At most
/// `rowChunksInFlight` chunks wait for the queue; a driver that gets further ahead blocks (its
/// own thread, never the cooperative pool), so a slow reader of stdout holds memory bounded.
/// Everything for one query is queued before its outcome arrives, and the outcome is written
/// after whatever is still queued, so the order of the output is the order of the calls. With
/// nothing queued (most outcomes of a batch of quick queries), an outcome is written directly
/// under the lock, without a trip through the queue.
final class OutcomePrinter: RowStreamSink, @unchecked Sendable {
    /// Touched only under `lock`.
    private var formatter: any OutcomeFormatter
    /// Touched only under `lock`.
    private let output: OutputWriter
    private let lock = Mutex(())
    private let queue = DispatchQueue(label: "qgather.rows")
    /// Blocks queued on `queue` and not yet finished.
    private let queued = Atomic<Int>(0)
    private let slots: DispatchSemaphore
    /// The `errno` of the first failed write, readable without the lock (0: none yet).
    private let firstFailure = Atomic<Int32>(0)
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

    /// Runs `body` on the formatter and output after every block queued before this call.
    private func inOrder(_ body: (inout any OutcomeFormatter, OutputWriter) -> Void) {
        if queued.load(ordering: .acquiring) > 0 { queue.sync {} }
        lock.withLock { _ in
            body(&formatter, output)
            if let failure = output.failure { firstFailure.store(failure, ordering: .releasing) }
        }
    }

    /// Queues `body` (a streamed query's rows) behind the blocks queued before it.
    private func enqueue(_ body: @escaping @Sendable (inout any OutcomeFormatter, OutputWriter) -> Void, then done: (@Sendable () -> Void)? = nil) {
        queued.add(1, ordering: .relaxed)
        queue.async {
            self.lock.withLock { _ in
                body(&self.formatter, self.output)
                if let failure = self.output.failure { self.firstFailure.store(failure, ordering: .releasing) }
            }
            self.queued.subtract(1, ordering: .releasing)
            done?()
        }
    }

    func begin() {
        inOrder { formatter, output in formatter.begin(into: output) }
    }

    /// Writes an outcome after every row queued before it; `flush` sends it out at once (a
    /// result shows as soon as it is ready, unless the next one is ready too).
    func write(_ outcome: QueryOutcome, flush: Bool = true) {
        inOrder { formatter, output in
            formatter.write(outcome, into: output)
            if flush { output.flush() }
        }
    }

    func end() {
        inOrder { formatter, output in
            formatter.end(into: output)
            output.flush()
        }
    }

    /// Calls `handler` once, from the thread writing, when a write first fails: streamed rows are
    /// written on the queue while the query still runs, and it must then stop at once.
    func whenWriteFails(_ handler: @escaping @Sendable () -> Void) {
        inOrder { _, output in output.onFailure = handler }
    }

    /// The `errno` of the first write to the output that failed, if one did (as of the last
    /// call that returned: a synchronous write has finished, streamed rows may still be queued).
    var failure: Int32? {
        let failure = firstFailure.load(ordering: .acquiring)
        return failure == 0 ? nil : failure
    }

    func begin(_ query: Query, columns: [Column], realRendering: RealRendering) {
        enqueue { formatter, output in formatter.beginRows(query, columns: columns, realRendering: realRendering, into: output) }
    }

    func rows(_ rows: RowChunk, of query: Query, realRendering: RealRendering) {
        slots.wait()
        let slots = self.slots
        enqueue({ formatter, output in formatter.writeRows(rows, realRendering: realRendering, into: output) }, then: { slots.signal() })
    }
}
