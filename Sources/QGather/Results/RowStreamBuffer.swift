import Dispatch
import Synchronization

/// Carries one query's rows from its connection's thread to an async consumer, holding at most
/// `capacity` chunks: a driver that gets ahead waits on its own thread (never Swift's pool)
/// until the consumer takes one, so a result of any size streams in bounded memory.
final class RowStreamBuffer: RowStreamSink, Sendable {
    /// Rows of one chunk with the columns of the result they belong to.
    struct Batch: Sendable {
        var columns: [Column]
        var realRendering: RealRendering
        var chunk: RowChunk
    }

    private struct State {
        var columns: [Column] = []
        var realRendering = RealRendering.sqlite
        var ready: [Batch] = []  // at most `capacity`: a taken batch leaves at once
        var end: QueryError??  // nil: running; .some(nil): done; .some(error): failed
        var stopped = false
        var consumer: CheckedContinuation<Void, Never>?
        var producer: DispatchSemaphore?
    }

    private let capacity: Int
    private let state = Mutex(State())

    /// A buffer that holds up to `capacity` chunks (about 1,000 rows each).
    init(capacity: Int = 4) {
        self.capacity = max(1, capacity)
    }

    func begin(_ query: Query, columns: [Column], realRendering: RealRendering) {
        state.withLock { s in
            s.columns = columns
            s.realRendering = realRendering
        }
    }

    /// Driver thread: queues `rows`, then waits while the buffer is full.
    func rows(_ rows: RowChunk, of query: Query, realRendering: RealRendering) {
        let (wait, consumer): (DispatchSemaphore?, CheckedContinuation<Void, Never>?) = state.withLock { s in
            guard !s.stopped else { return (nil, nil) }
            s.ready.append(Batch(columns: s.columns, realRendering: s.realRendering, chunk: rows))
            let consumer = s.consumer
            s.consumer = nil
            guard s.ready.count >= capacity else { return (nil, consumer) }
            let semaphore = DispatchSemaphore(value: 0)
            s.producer = semaphore
            return (semaphore, consumer)
        }
        consumer?.resume()
        wait?.wait()
    }

    /// The query ended, with `error` if it failed.
    func finish(_ error: QueryError?) {
        let consumer = state.withLock { s in
            s.end = .some(error)
            defer { s.consumer = nil }
            return s.consumer
        }
        consumer?.resume()
    }

    /// The consumer is gone: drop what is held and let the driver run on (to its interrupt).
    func stop() {
        let (producer, consumer) = state.withLock { s in
            s.stopped = true
            s.ready = []
            defer {
                s.producer = nil
                s.consumer = nil
            }
            return (s.producer, s.consumer)
        }
        producer?.signal()
        consumer?.resume()
    }

    /// The next chunk, in order; nil at the end; the query's error once its rows are taken.
    func next() async throws(QueryError) -> Batch? {
        while true {
            enum Step { case batch(Batch), end(QueryError?), wait }
            let step: Step = state.withLock { s in
                if !s.ready.isEmpty, !s.stopped {
                    let batch = s.ready.removeFirst()
                    if let producer = s.producer, s.ready.count < capacity {
                        s.producer = nil
                        producer.signal()
                    }
                    return .batch(batch)
                }
                // Stopped (its rows dropped) beats a normal end: a cancelled loop never ends as if complete.
                if s.stopped { return .end(.cancelled()) }
                if let end = s.end { return .end(end) }
                return .wait
            }
            switch step {
            case .batch(let batch): return batch
            case .end(let error):
                if let error { throw error }
                return nil
            case .wait:
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { s in
                        if !s.ready.isEmpty || s.end != nil || s.stopped { return true }
                        s.consumer = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
        }
    }
}
