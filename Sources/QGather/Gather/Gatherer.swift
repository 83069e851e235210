import Dispatch

/// Runs a batch concurrently on a pool and reports outcomes in input order, like `asyncio.gather`.
///
/// At most `options.jobs` connections work at once, each on one query or, on PostgreSQL, on a
/// pipeline of quick read-only queries (`PipelinePlanner`). Outcome *i* is delivered as soon as
/// queries 0...*i* have finished, so output starts early and still follows the input order.
package struct Gatherer: Sendable {
    /// Where connections come from.
    package let pool: ConnectionPool
    /// Jobs, policy and timeout.
    package let options: GatherOptions

    /// Creates a gatherer over `pool`.
    package init(pool: ConnectionPool, options: GatherOptions = GatherOptions()) {
        self.pool = pool
        self.options = options
    }

    /// Runs `batch` and returns one outcome per query, in input order.
    /// Cancelling the calling task interrupts every unfinished query in the database.
    package func gather(_ batch: Batch) async -> [QueryOutcome] {
        var outcomes: [QueryOutcome] = []
        outcomes.reserveCapacity(batch.count)
        await run(batch) { outcomes.append($0) }
        return outcomes
    }

    /// The outcomes of `batch` as an ordered asynchronous sequence. The batch starts at once;
    /// dropping or cancelling the consumer cancels it. The batch runs at most `jobs` outcomes
    /// ahead of the consumer: a slow reader (a paused pipe) holds queries back rather than
    /// letting delivered rows pile up in memory.
    ///
    /// With a `sink`, the rows of the query at the head of the output order go to the sink as
    /// they are read (its outcome then holds only the rows not streamed, `streamedRowCount` counts
    /// the others); later queries keep theirs until their turn.
    package func outcomes(_ batch: Batch, streamingRowsTo sink: (any RowStreamSink)? = nil) -> OutcomeStream {
        let channels = RowChannels(sink: sink, headFirst: false)  // the consumer's first `next()` lets query 0 stream
        // A pipeline delivers up to its depth of outcomes at once: room for them keeps the
        // connections busy while the reader catches up. Delivery through the stream is
        // asynchronous: the consumer's iterator hands each query's rows to the sink once the
        // consumer has taken every earlier outcome.
        return .producing(capacity: options.jobs + (pool.driver.supportsPipelining ? PipelinePlanner.maxDepth : 0), channels: channels) { deliver in
            await run(batch, channels: channels, attachNext: false) { ready in await deliver(ready) }
        }
    }

    /// Runs `batch`, calling `deliver` with each outcome in input order as soon as it is known.
    package func run(_ batch: Batch, streamingRowsTo sink: (any RowStreamSink)? = nil, deliver: (QueryOutcome) async -> Void) async {
        let channels = RowChannels(sink: sink, headFirst: true)
        await run(batch, channels: channels, attachNext: true) { ready in
            for outcome in ready { await deliver(outcome) }
        }
    }

    /// The core: `deliver` gets the outcomes that became ready together, in input order. With
    /// `attachNext`, query *i* becomes the head of `channels` once outcome *i − 1* has been
    /// delivered (synchronously); otherwise the stream's consumer advances them.
    private func run(_ batch: Batch, channels: RowChannels, attachNext: Bool, deliver: ([QueryOutcome]) async -> Void) async {
        guard !batch.queries.isEmpty else { return }
        let instruments = pool.instruments
        await instruments.withBatchSpan(count: batch.count) {
            await runTraced(batch, channels: channels, attachNext: attachNext, instruments: instruments, deliver: deliver)
        }
    }

    /// `run`, inside the batch's span.
    private func runTraced(_ batch: Batch, channels: RowChannels, attachNext: Bool, instruments: DatabaseInstruments,
                           deliver: ([QueryOutcome]) async -> Void) async {
        let queries = batch.queries
        let session: QuerySession
        do {
            session = try await QuerySession.start(options, shared: pool, queryCount: queries.count)
        } catch {
            // The session (a snapshot, say) could not be set up: every query fails with its reason.
            await deliver(queries.map { query in
                var failure = error
                failure.attach(to: query)
                let outcome = QueryOutcome(query: query, result: .failed(failure))
                options.onEvent?(.finished(outcome))
                instruments.queryFinished(outcome)
                return outcome
            })
            return
        }
        let pool = session.pool
        let jobs = options.serial ? 1 : options.jobs
        let clock = ContinuousClock()
        let batchStart = clock.now
        // Outcomes that finished before an earlier query did, by index: memory follows how far
        // the batch runs ahead of its slowest query (at most `pendingLimit` in file order), not
        // the batch's size.
        var pending: [Int: QueryOutcome] = [:]
        var nextToDeliver = 0
        var stopped = false

        var planner = PipelinePlanner(driver: pool.driver, options: options)
        // The order queries start in: `startOrder` (longest first, say), else input order.
        // Outcomes are still delivered in input order.
        let startOrder = StartOrder(queries: queries, order: options.serial ? nil : options.startOrder)
        await withTaskGroup(of: [QueryOutcome].self) { group in
            var nextToStart = 0
            var running = 0
            func startNext() {
                let runQueries = planner.nextRunQueries(of: startOrder, from: nextToStart, jobs: jobs)
                nextToStart += runQueries.count
                running += 1
                if runQueries.count == 1 {
                    let query = runQueries[0]
                    let channel = channels.channel(for: query)
                    group.addTask { [await runWithRetries(query, channel: channel, pool: pool, batchStart: batchStart, clock: clock)] }
                } else {
                    // A run's outcomes come back together: in file order only its first query can
                    // be at the head of the output while it runs, so the others could never stream.
                    // Reordered (longest first), an earlier query further on in the run can.
                    let runChannels = startOrder.order == nil
                        ? [channels.channel(for: runQueries[0])] + Array(repeating: nil, count: runQueries.count - 1)
                        : runQueries.map { channels.channel(for: $0) }
                    group.addTask { await runPipelined(runQueries, channels: runChannels, pool: pool, batchStart: batchStart, clock: clock) }
                }
            }
            for _ in 0..<min(jobs, queries.count) { startNext() }
            while let finished = await group.next() {
                running -= 1
                var failure: QueryOutcome?
                // The outcomes next in output order go straight out; only those that finished
                // ahead of an earlier query wait in `pending`.
                var ready: [QueryOutcome] = []
                for unchecked in finished {
                    let outcome = ExpectationCheck.apply(to: unchecked)
                    options.onEvent?(.finished(outcome))
                    instruments.queryFinished(outcome)
                    if failure == nil, outcome.status.isFailure { failure = outcome }
                    if outcome.query.index == nextToDeliver && pending.isEmpty {
                        ready.append(outcome)
                        nextToDeliver += 1
                    } else {
                        pending[outcome.query.index] = outcome
                    }
                }
                let failed = failure != nil
                planner.record(count: finished.count, elapsed: finished.reduce(.zero) { $0 + ($1.duration ?? .zero) }, failed: failed)
                if options.policy == .failFast, !stopped, failed {
                    stopped = true
                    if let failure { instruments.cancellingBatch(after: failure) }
                    group.cancelAll()
                }
                while !pending.isEmpty, let outcome = pending.removeValue(forKey: nextToDeliver) {
                    ready.append(outcome)
                    nextToDeliver += 1
                }
                // In file order, no more starts while `pendingLimit` outcomes wait behind a slow
                // query: memory stays bounded however long it takes. The slow one has started
                // (it comes first), so it finishes, the waiting ones go out and starts resume.
                while running < jobs && !stopped && !Task.isCancelled && nextToStart < queries.count
                    && (startOrder.order != nil || pending.count < Self.pendingLimit) {
                    startNext()
                }
                if !ready.isEmpty {
                    await deliver(ready)
                    // The next query is now at the head of the output order: its rows may stream.
                    if attachNext && nextToDeliver < queries.count { channels.advance(to: nextToDeliver) }
                }
            }
        }
        await session.finish()
        // Queries never started (fail-fast or cancellation) are reported as cancelled, in order.
        var rest: [QueryOutcome] = []
        while nextToDeliver < queries.count {
            let stored = pending.removeValue(forKey: nextToDeliver)
            let outcome = stored ?? QueryOutcome(query: queries[nextToDeliver], result: .cancelled)
            if stored == nil {
                options.onEvent?(.finished(outcome))
                instruments.queryFinished(outcome)
            }
            rest.append(outcome)
            nextToDeliver += 1
        }
        if !rest.isEmpty { await deliver(rest) }
    }

    /// Most outcomes that wait behind a slower earlier query before no more queries start (file order).
    static let pendingLimit = 4096

    /// Runs a query, again after a transient failure if it only reads and retries are allowed.
    private func runWithRetries(_ query: Query, channel: RowChannel?, pool: ConnectionPool, batchStart: ContinuousClock.Instant,
                                clock: ContinuousClock) async -> QueryOutcome {
        var attempt = 1
        while true {
            var outcome = await runOne(query, channel: channel, pool: pool, batchStart: batchStart, clock: clock,
                                       guardingWrites: options.guardsWrites)
            outcome.attempts = attempt
            guard attempt <= options.retries, let error = outcome.error, let effect = RerunPolicy.effect(ofTransient: error), !Task.isCancelled,
                  RerunPolicy.rerun(query, after: effect, rowsReachedOutput: channel?.hasStarted == true, dialect: pool.driver.dialect) == .plain
            else { return outcome }
            // Exponential backoff with jitter: 50 ms, 100 ms, 200 ms, ... capped at 2 s.
            let base = min(2000, 50 << min(attempt - 1, 6))
            let delay = Duration.milliseconds(base / 2 + Int.random(in: 0...base / 2))
            pool.instruments.queryRetrying(query, after: error, attempt: attempt, delay: delay)
            try? await Task.sleep(for: delay)
            attempt += 1
        }
    }

    /// Runs `query` on a connection of its own; `guardingWrites` runs it inside a read-only
    /// transaction (a second run that must not repeat a write, see `RerunPolicy`).
    private func runOne(_ query: Query, channel: RowChannel?, pool: ConnectionPool, batchStart: ContinuousClock.Instant, clock: ContinuousClock,
                        guardingWrites: Bool = false) async -> QueryOutcome {
        if Task.isCancelled { return QueryOutcome(query: query, result: .cancelled) }
        guard await takeSlot() else { return QueryOutcome(query: query, result: .cancelled) }
        defer { options.slotGate?.release() }
        let connection: any DatabaseConnection
        do {
            connection = try await pool.lease()
        } catch {
            return Self.leaseFailure(error, for: query)
        }
        defer { pool.release(connection) }
        return await run(query, on: connection, channel: channel, batchStart: batchStart, clock: clock, guardingWrites: guardingWrites)
    }

    /// Runs `queries` as one pipeline on one connection (see `PipelinePlanner`).
    private func runPipelined(_ queries: [Query], channels: [RowChannel?], pool: ConnectionPool, batchStart: ContinuousClock.Instant,
                              clock: ContinuousClock) async -> [QueryOutcome] {
        if Task.isCancelled { return queries.map { QueryOutcome(query: $0, result: .cancelled) } }
        guard await takeSlot() else { return queries.map { QueryOutcome(query: $0, result: .cancelled) } }
        let connection: any DatabaseConnection
        do {
            connection = try await pool.lease()
        } catch {
            options.slotGate?.release()
            return queries.map { Self.leaseFailure(error, for: $0) }
        }
        guard let pipelining = connection as? any PipeliningConnection else {
            defer {
                pool.release(connection)
                options.slotGate?.release()
            }
            var outcomes: [QueryOutcome] = []
            for (query, channel) in zip(queries, channels) {
                outcomes.append(await run(query, on: connection, channel: channel, batchStart: batchStart, clock: clock))
            }
            return outcomes
        }
        let sent = clock.now
        for query in queries { options.onEvent?(.started(query, at: sent - batchStart)) }
        let spans = pool.instruments.tracer == nil ? [] : queries.map { pool.instruments.startSpan(for: $0, dialect: pool.driver.dialect) }
        let results = await pipelining.executePipeline(queries, channels: channels, control: QueryControl(), stopAtFirstError: options.policy == .failFast)
        pool.release(connection)
        // A rerun below takes a slot of its own.
        options.slotGate?.release()
        var outcomes: [QueryOutcome] = []
        for (index, item) in results.enumerated() {
            if let effect = item.rerun,
               let rerun = RerunPolicy.rerun(queries[index], after: effect, rowsReachedOutput: channels[index]?.hasStarted == true,
                                             dialect: pool.driver.dialect) {
                // No result came back: it runs on another connection, as it would have without
                // the pipeline (in a read-only transaction if the server may have run it).
                outcomes.append(await runOne(queries[index], channel: channels[index], pool: pool, batchStart: batchStart, clock: clock,
                                             guardingWrites: rerun == .guardingWrites))
                continue
            }
            let result: QueryOutcome.Result
            switch item.result {
            case .success(let rows): result = .rows(rows)
            case .failure(let error): result = error.kind == .cancelled ? .cancelled : .failed(error)
            }
            let outcome = QueryOutcome(query: queries[index], result: result, startOffset: item.ran ? item.started - batchStart : nil,
                                       duration: item.ran ? item.ended - item.started : nil)
            if !spans.isEmpty { pool.instruments.endSpan(spans[index], outcome) }
            outcomes.append(outcome)
        }
        return outcomes
    }

    /// Takes a slot of the fleet's gate, if there is one; false if the task was cancelled while waiting.
    private func takeSlot() async -> Bool {
        guard let gate = options.slotGate else { return true }
        do {
            try await gate.acquire()
            return true
        } catch {
            return false
        }
    }

    /// The outcome of a query that got no connection.
    private static func leaseFailure(_ error: any Error, for query: Query) -> QueryOutcome {
        // A connection whose opening was cut short by the cancellation is the cancellation's doing.
        if error is CancellationError || Task.isCancelled { return QueryOutcome(query: query, result: .cancelled) }
        let message = (error as? DatabaseOpenError)?.description ?? "\(error)"
        return QueryOutcome(query: query, result: .failed(QueryError(kind: .connectionLost, code: .connect, message: message, query: query)))
    }

    /// Runs `query` on a leased `connection`, with its timeout.
    private func run(_ query: Query, on connection: any DatabaseConnection, channel: RowChannel?, batchStart: ContinuousClock.Instant,
                     clock: ContinuousClock, guardingWrites: Bool = false) async -> QueryOutcome {
        let control = QueryControl()
        var timer: DispatchWorkItem?
        if let timeout = query.timeout ?? options.timeout {
            let item = DispatchWorkItem { control.stop(.timedOut(timeout)) }
            ControlQueues.timers.asyncAfter(deadline: .now() + DurationText.seconds(timeout), execute: item)
            timer = item
        }
        defer { timer?.cancel() }

        let started = clock.now
        options.onEvent?(.started(query, at: started - batchStart))
        let span = pool.instruments.startSpan(for: query, dialect: pool.driver.dialect)
        let result: QueryOutcome.Result
        do {
            if guardingWrites {
                result = .rows(try await connection.executeRefusingWrites(query, control: control, channel: channel))
            } else {
                result = .rows(try await connection.execute(query, control: control, channel: channel))
            }
        } catch {
            result = error.kind == .cancelled ? .cancelled : .failed(guardingWrites ? RerunPolicy.refusedRerun(error, of: query) ?? error : error)
        }
        let outcome = QueryOutcome(query: query, result: result, startOffset: started - batchStart, duration: clock.now - started)
        pool.instruments.endSpan(span, outcome)
        return outcome
    }
}


/// The queries in the order they start: a view through `order` (indexes into `queries`), so a
/// reordered batch of millions is not copied.
struct StartOrder: RandomAccessCollection {
    let queries: Batch.Queries
    let order: [Int]?

    var startIndex: Int { 0 }
    var endIndex: Int { queries.count }
    subscript(position: Int) -> Query { queries[order?[position] ?? position] }
}
