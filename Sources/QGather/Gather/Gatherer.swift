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
    /// dropping or cancelling the consumer cancels it.
    public func outcomes(_ batch: Batch) -> OutcomeStream {
        let (stream, continuation) = AsyncStream.makeStream(of: QueryOutcome.self)
        let task = Task {
            await run(batch) { continuation.yield($0) }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return OutcomeStream(stream: stream, task: task)
    }

    /// Runs `batch`, calling `deliver` with each outcome in input order as soon as it is known.
    public func run(_ batch: Batch, deliver: (QueryOutcome) async -> Void) async {
        let queries = batch.queries
        let clock = ContinuousClock()
        let batchStart = clock.now
        var slots = [QueryOutcome?](repeating: nil, count: queries.count)
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
                slots[outcome.query.index] = outcome
                options.onEvent?(.finished(outcome))
                if options.policy == .failFast, !stopped, outcome.status == .error {
                    stopped = true
                    group.cancelAll()
                }
                if !stopped && !Task.isCancelled && nextToStart < queries.count {
                    let query = queries[nextToStart]
                    group.addTask { await runOne(query, batchStart: batchStart, clock: clock) }
                    nextToStart += 1
                }
                while nextToDeliver < queries.count, let ready = slots[nextToDeliver] {
                    await deliver(ready)
                    nextToDeliver += 1
                }
            }
        }
        // Queries never started (fail-fast or cancellation) are reported as cancelled, in order.
        while nextToDeliver < queries.count {
            let outcome = slots[nextToDeliver] ?? QueryOutcome(query: queries[nextToDeliver], result: .cancelled)
            if slots[nextToDeliver] == nil { options.onEvent?(.finished(outcome)) }
            await deliver(outcome)
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
        options.onEvent?(.started(query, at: started - batchStart))
        let result: QueryOutcome.Result
        do {
            result = .rows(try await connection.execute(query, control: control))
        } catch {
            result = error.kind == .cancelled ? .cancelled : .failed(error)
        }
        return QueryOutcome(query: query, result: result, startOffset: started - batchStart, duration: clock.now - started)
    }
}

/// The ordered outcomes of a running batch (see `Gatherer.outcomes(_:)`).
public struct OutcomeStream: AsyncSequence, Sendable {
    /// Each element is one query's outcome; they arrive in input order.
    public typealias Element = QueryOutcome
    let stream: AsyncStream<QueryOutcome>
    let task: Task<Void, Never>

    /// Cancels the batch: every unfinished query is interrupted in the database. The sequence
    /// still delivers every outcome (the stopped ones as cancelled) and then ends.
    public func cancel() {
        task.cancel()
    }

    /// Creates the iterator.
    public func makeAsyncIterator() -> AsyncStream<QueryOutcome>.Iterator {
        stream.makeAsyncIterator()
    }
}
