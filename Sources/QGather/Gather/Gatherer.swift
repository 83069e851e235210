import Dispatch

/// Runs a batch concurrently on a pool and reports outcomes in input order, like `asyncio.gather`.
///
/// At most `options.jobs` queries are in flight. Outcome *i* is delivered as soon as queries
/// 0...*i* have finished, so output starts early and still follows the input order.
public struct Gatherer: Sendable {
    /// Where connections come from.
    public let pool: ConnectionPool
    /// Jobs, policy and timeout.
    public let options: GatherOptions

    /// Creates a gatherer over `pool`.
    public init(pool: ConnectionPool, options: GatherOptions = GatherOptions()) {
        self.pool = pool
        self.options = options
    }

    /// Runs `batch` and returns one outcome per query, in input order.
    /// Cancelling the calling task interrupts every unfinished query in the database.
    public func gather(_ batch: Batch) async -> [QueryOutcome] {
        var outcomes: [QueryOutcome] = []
        outcomes.reserveCapacity(batch.count)
        await run(batch) { outcomes.append($0) }
        return outcomes
    }

    /// The outcomes of `batch` as an ordered asynchronous sequence. The batch starts at once;
    /// dropping or cancelling the consumer cancels it. The batch runs at most `jobs` outcomes
    /// ahead of the consumer: a slow reader (a paused pipe) holds queries back rather than
    /// letting delivered rows pile up in memory.
    public func outcomes(_ batch: Batch) -> OutcomeStream {
        let (stream, continuation) = AsyncStream.makeStream(of: QueryOutcome.self)
        let window = DeliveryWindow(capacity: options.jobs)
        let task = Task {
            await run(batch) { outcome in
                await window.acquire()
                continuation.yield(outcome)
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in
            task.cancel()
            window.close()
        }
        return OutcomeStream(stream: stream, task: task, window: window)
    }

    /// Runs `batch`, calling `deliver` with each outcome in input order as soon as it is known.
    public func run(_ batch: Batch, deliver: (QueryOutcome) async -> Void) async {
        let queries = batch.queries
        let clock = ContinuousClock()
        let batchStart = clock.now
        // Outcomes that finished before an earlier query did, by index: memory follows how far
        // the batch runs ahead of its slowest query, not the batch's size.
        var pending: [Int: QueryOutcome] = [:]
        var nextToDeliver = 0
        var stopped = false

        await withTaskGroup(of: QueryOutcome.self) { group in
            var nextToStart = 0
            while nextToStart < min(options.jobs, queries.count) {
                let query = queries[nextToStart]
                group.addTask { await runOne(query, batchStart: batchStart, clock: clock) }
                nextToStart += 1
            }
            while let outcome = await group.next() {
                pending[outcome.query.index] = outcome
                if options.policy == .failFast, !stopped, outcome.status == .error {
                    stopped = true
                    group.cancelAll()
                }
                if !stopped && !Task.isCancelled && nextToStart < queries.count {
                    let query = queries[nextToStart]
                    group.addTask { await runOne(query, batchStart: batchStart, clock: clock) }
                    nextToStart += 1
                }
                while let ready = pending.removeValue(forKey: nextToDeliver) {
                    await deliver(ready)
                    nextToDeliver += 1
                }
            }
        }
        // Queries never started (fail-fast or cancellation) are reported as cancelled, in order.
        while nextToDeliver < queries.count {
            await deliver(pending.removeValue(forKey: nextToDeliver) ?? QueryOutcome(query: queries[nextToDeliver], result: .cancelled))
            nextToDeliver += 1
        }
    }

    private func runOne(_ query: Query, batchStart: ContinuousClock.Instant, clock: ContinuousClock) async -> QueryOutcome {
        if Task.isCancelled { return QueryOutcome(query: query, result: .cancelled) }
        let connection: any DatabaseConnection
        do {
            connection = try await pool.lease()
        } catch is CancellationError {
            return QueryOutcome(query: query, result: .cancelled)
        } catch {
            let message = (error as? DatabaseOpenError)?.description ?? "\(error)"
            return QueryOutcome(query: query, result: .failed(QueryError(kind: .connectionLost, code: "connect", message: message, query: query)))
        }
        defer { pool.release(connection) }

        let control = QueryControl()
        var timer: DispatchWorkItem?
        if let timeout = options.timeout {
            let item = DispatchWorkItem { control.stop(.timedOut(timeout)) }
            DispatchQueue.global().asyncAfter(deadline: .now() + DurationText.seconds(timeout), execute: item)
            timer = item
        }
        defer { timer?.cancel() }

        let started = clock.now
        let result: QueryOutcome.Result
        do {
            result = .rows(try await connection.execute(query, control: control))
        } catch {
            result = error.kind == .cancelled ? .cancelled : .failed(error)
        }
        return QueryOutcome(query: query, result: result, startOffset: started - batchStart, duration: clock.now - started)
    }
}
