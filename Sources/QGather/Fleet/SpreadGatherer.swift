/// Runs every query of a batch once, on whichever member of a fleet has a free connection (the
/// members are equivalent copies: a primary and its hot standbys, copies of a SQLite file), and
/// delivers the outcomes in input order, each naming the member that served it.
///
/// Each member has `perTarget` workers, and `jobs` caps the connections at work in all. A
/// member that cannot be reached is dropped and its query goes to another; a query whose
/// connection is lost before any row was read runs again on another member. Reads only: a
/// batch with a statement that writes fails whole before anything runs.
package struct SpreadGatherer: Sendable {
    let members: [FleetMember]
    let options: FleetOptions

    /// A spread over `members`.
    package init(members: [FleetMember], options: FleetOptions) {
        self.members = members
        self.options = options
    }

    /// The outcomes of `batch` as an ordered stream.
    package func outcomes(_ batch: Batch) -> OutcomeStream {
        .producing(capacity: options.gather.jobs) { deliver in await run(batch, deliver: deliver) }
    }

    /// Why `batch` cannot be spread, as a message naming the statement; nil if it can.
    package static func refusal(of batch: Batch, dialect: SQLDialect, options: GatherOptions) -> String? {
        if options.serial { return "a serial run needs one session and cannot be spread over several databases" }
        if options.snapshot { return "a snapshot belongs to one server and cannot be spread over several databases" }
        for query in batch.queries where !StatementKind.isReadOnly(query.sql, dialect: dialect) {
            return "\(query.file):\(query.line): \(query.name): spread runs reads only (copies would diverge), and this statement may write"
        }
        return nil
    }

    /// Runs `batch`, calling `deliver` with outcomes in input order.
    package func run(_ batch: Batch, deliver: @escaping @Sendable ([QueryOutcome]) async -> Void) async {
        let queries = batch.queries
        guard !queries.isEmpty, !members.isEmpty else { return }
        if let refusal = Self.refusal(of: batch, dialect: members[0].database.dialect, options: options.gather) {
            await deliver(queries.map { query in
                let outcome = QueryOutcome(query: query, result: .failed(QueryError(kind: .database, code: .writeRefused, message: refusal, query: query)))
                options.gather.onEvent?(.finished(outcome))
                return outcome
            })
            return
        }
        let queue = SpreadQueue(count: queries.count, memberCount: members.count)
        let started = ContinuousClock.now
        let gate = SlotGate(capacity: options.gather.jobs)
        let (events, sink) = AsyncStream.makeStream(of: QueryOutcome.self)
        let workers = Task { [self] in
            await withTaskGroup(of: Void.self) { group in
                for member in members.indices {
                    for _ in 0..<max(1, min(options.perTarget, options.gather.jobs)) {
                        group.addTask { await work(member, queries: queries, queue: queue, gate: gate, started: started, into: sink) }
                    }
                }
            }
            sink.finish()
        }
        // The consumer is a task of its own, not a child: an AsyncStream ends its iteration when
        // the iterating task is cancelled, and the outcomes would then be reported (and the
        // process might exit) before the queries had stopped in the databases.
        let consumer = Task { [self] in
            var pending: [Int: QueryOutcome] = [:]
            var nextToDeliver = 0
            var stopped = false
            for await outcome in events {
                pending[outcome.query.index] = outcome
                if options.gather.policy == .failFast, !stopped, outcome.status.isFailure {
                    stopped = true
                    workers.cancel()
                }
                var ready: [QueryOutcome] = []
                while let next = pending.removeValue(forKey: nextToDeliver) {
                    ready.append(next)
                    nextToDeliver += 1
                }
                if !ready.isEmpty { await deliver(ready) }
            }
            var rest: [QueryOutcome] = []
            while nextToDeliver < queries.count {
                let stored = pending.removeValue(forKey: nextToDeliver)
                let outcome = stored ?? QueryOutcome(query: queries[nextToDeliver], result: .cancelled)
                if stored == nil { options.gather.onEvent?(.finished(outcome)) }
                rest.append(outcome)
                nextToDeliver += 1
            }
            if !rest.isEmpty { await deliver(rest) }
        }
        await withTaskCancellationHandler {
            await consumer.value
        } onCancel: {
            workers.cancel()
        }
    }

    /// One worker of `member`: runs queries from the queue until none is left for it.
    private func work(_ member: Int, queries: Batch.Queries, queue: SpreadQueue, gate: SlotGate, started: ContinuousClock.Instant,
                      into sink: AsyncStream<QueryOutcome>.Continuation) async {
        let label = members[member].label
        let pool = members[member].database.pool
        var gather = options.gather
        gather.jobs = 1
        gather.slotGate = gate
        gather.startOrder = nil
        let onEvent = options.gather.onEvent
        func emit(_ outcome: QueryOutcome, servedBy: String?) {
            var outcome = outcome
            outcome.servedBy = servedBy
            onEvent?(.finished(outcome))
            sink.yield(outcome)
        }
        while !Task.isCancelled {
            let index: Int
            switch queue.take(for: member) {
            case .done: return
            case .wait:
                try? await Task.sleep(for: .milliseconds(2))
                continue
            case .run(let taken): index = taken
            }
            var single = queries[index]
            single.index = 0
            // Each query is a batch of its own, timed from its own start: shift to the fleet's.
            let offset = ContinuousClock.now - started
            if let handler = onEvent {
                // A query may run on several members: only its final outcome counts as finished.
                let query = queries[index]
                gather.onEvent = { @Sendable event in
                    if case .started(_, let at) = event { handler(.started(query, at: at + offset)) }
                }
            }
            // A query back from a member whose connection broke after it was sent may have run
            // there: it runs again only inside a read-only transaction (`RerunPolicy`).
            gather.guardsWrites = queue.wasLost(index)
            var outcome = await Gatherer(pool: pool, options: gather).gather(Batch(numbered: [single]))[0]
            outcome.query = queries[index]
            outcome.startOffset = outcome.startOffset.map { $0 + offset }
            if case .failed(var error) = outcome.result {
                error.query = queries[index]
                outcome.result = .failed(error)
                if error.kind == .connectionLost, !Task.isCancelled {
                    // Could not connect: this member is down. Lost mid-query: nothing reached
                    // the output (spread holds rows until the query ends), and it only reads.
                    let down = error.code == .connect
                    let requeued = queue.putBack(index, from: member, memberDown: down, mayHaveRun: !down)
                    if down {
                        for stranded in queue.memberDown(member) {
                            var failure = error
                            failure.attach(to: queries[stranded])
                            emit(QueryOutcome(query: queries[stranded], result: .failed(failure)), servedBy: nil)
                        }
                    }
                    if requeued { continue }
                    queue.finished(index)
                    emit(outcome, servedBy: down ? nil : label)
                    if down { return }
                    continue
                }
            }
            queue.finished(index)
            emit(outcome, servedBy: outcome.startOffset == nil ? nil : label)
        }
    }
}
