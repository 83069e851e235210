/// Runs every query of a batch on every target of a fleet and delivers, in query order, one
/// merged outcome per query as soon as every target has finished it (`FanOutMerge`).
///
/// Targets are worked through in order, a few at a time: as many as `jobs` keeps busy with
/// `perTarget` connections each, plus one getting ready, so that a target finishing its last
/// query hands its free connections to the next one. A query holds one of `jobs` slots
/// (`SlotGate`) while it has a connection; a target's idle connections close once its queries
/// are done, so descriptors and connections are bounded by `jobs`, not by the number of targets.
package struct FanOutGatherer: Sendable {
    /// The batch for one member (its dialect, its session's reading of strings), or why it has none.
    package typealias BatchProvider = @Sendable (_ member: Int, _ database: Database) async -> Result<Batch, QueryError>

    let members: [FleetMember]
    let options: FleetOptions
    let provider: BatchProvider

    /// A fan-out over `members`; `provider` gives each member its batch (by default the same one).
    package init(members: [FleetMember], options: FleetOptions, provider: @escaping BatchProvider) {
        self.members = members
        self.options = options
        self.provider = provider
    }

    private enum Event: Sendable {
        case outcome(member: Int, QueryOutcome)
    }

    /// The merged outcomes of `batch` (the queries the merged outcomes name) as an ordered stream.
    package func outcomes(_ batch: Batch) -> OutcomeStream {
        .producing(capacity: options.gather.jobs) { deliver in await run(batch, deliver: deliver) }
    }

    /// Runs `batch` on every member, calling `deliver` with merged outcomes in query order.
    package func run(_ batch: Batch, deliver: @escaping @Sendable ([QueryOutcome]) async -> Void) async {
        let queries = batch.queries
        guard !queries.isEmpty, !members.isEmpty else { return }
        let (events, sink) = AsyncStream.makeStream(of: Event.self)
        let started = ContinuousClock.now
        let launcher = Task { [self] in
            await launchMembers(queries, started: started, into: sink)
            sink.finish()
        }
        // The consumer is a task of its own, not a child: an AsyncStream ends its iteration when
        // the iterating task is cancelled, and the outcomes would then be reported (and the
        // process might exit) before the queries had stopped in the databases.
        let consumer = Task { [self] in
            // Outcomes waiting for the other targets, by query index then member index.
            var table: [Int: [QueryOutcome?]] = [:]
            var finishedCount: [Int: Int] = [:]
            var nextToDeliver = 0
            var stopped = false
            for await event in events {
                guard case .outcome(let member, let outcome) = event else { continue }
                let index = outcome.query.index
                table[index, default: Array(repeating: nil, count: members.count)][member] = outcome
                finishedCount[index, default: 0] += 1
                if options.gather.policy == .failFast, !stopped, outcome.status.isFailure {
                    stopped = true
                    launcher.cancel()
                }
                var ready: [QueryOutcome] = []
                while nextToDeliver < queries.count, finishedCount[nextToDeliver] == members.count {
                    ready.append(merged(queries[nextToDeliver], table.removeValue(forKey: nextToDeliver)!))
                    finishedCount[nextToDeliver] = nil
                    nextToDeliver += 1
                }
                if !ready.isEmpty { await deliver(ready) }
            }
            // Members never started (fail-fast, cancellation) leave their queries cancelled.
            var rest: [QueryOutcome] = []
            while nextToDeliver < queries.count {
                let row = table.removeValue(forKey: nextToDeliver) ?? Array(repeating: nil, count: members.count)
                for outcome in row where outcome == nil {
                    options.gather.onEvent?(.finished(QueryOutcome(query: queries[nextToDeliver], result: .cancelled)))
                }
                rest.append(merged(queries[nextToDeliver], row))
                nextToDeliver += 1
            }
            if !rest.isEmpty { await deliver(rest) }
        }
        await withTaskCancellationHandler {
            await consumer.value
        } onCancel: {
            launcher.cancel()
        }
    }

    private func merged(_ query: Query, _ row: [QueryOutcome?]) -> QueryOutcome {
        let labelled = zip(members, row).map { member, outcome in
            (label: member.label, outcome: outcome ?? QueryOutcome(query: query, result: .cancelled))
        }
        return FanOutMerge.merge(query, labelled, keepTargetRows: options.keepsTargetRows)
    }

    /// Runs the members in order, a few at once, until all are done or the task is cancelled.
    private func launchMembers(_ queries: Batch.Queries, started: ContinuousClock.Instant, into sink: AsyncStream<Event>.Continuation) async {
        let gate = SlotGate(capacity: options.gather.jobs)
        let perTarget = max(1, min(options.perTarget, options.gather.jobs))
        let open = (max(1, options.gather.jobs) + perTarget - 1) / perTarget + 1
        await withTaskGroup(of: Void.self) { group in
            var next = 0
            func startNext() {
                let member = next
                next += 1
                group.addTask {
                    await runMember(member, queries: queries, gate: gate, perTarget: perTarget, started: started, into: sink)
                    await members[member].database.pool.closeIdle()
                }
            }
            while next < min(open, members.count) { startNext() }
            while await group.next() != nil {
                if !Task.isCancelled, next < members.count { startNext() }
            }
        }
    }

    /// Runs the batch on one member; `queries` are the batch's own (they name a failure to connect).
    private func runMember(_ index: Int, queries: Batch.Queries, gate: SlotGate, perTarget: Int, started: ContinuousClock.Instant,
                           into sink: AsyncStream<Event>.Continuation) async {
        let database = members[index].database
        func failAll(_ error: QueryError) {
            for query in queries {
                var failure = error
                failure.attach(to: query)
                let outcome = QueryOutcome(query: query, result: Task.isCancelled ? .cancelled : .failed(failure))
                options.gather.onEvent?(.finished(outcome))
                sink.yield(.outcome(member: index, outcome))
            }
        }
        // Opening the target (and asking its session how it reads strings) holds a slot too.
        do {
            try await gate.acquire()
        } catch {
            return failAll(QueryError.cancelled())
        }
        let prepared: Result<Batch, QueryError>
        do {
            try await database.validate()
            prepared = await provider(index, database)
        } catch {
            prepared = .failure(QueryError(kind: .connectionLost, code: .connect, message: error.description))
        }
        gate.release()
        let batch: Batch
        switch prepared {
        case .success(let ready): batch = ready
        case .failure(let error): return failAll(error)
        }
        guard batch.count == queries.count else {
            return failAll(QueryError(kind: .database, code: .internal,
                                      message: "the batch splits into \(batch.count) statements for this target, not \(queries.count)"))
        }
        // The member's gatherer times from its own start; the fleet's times are from the batch's.
        let offset = ContinuousClock.now - started
        var gather = options.gather
        gather.jobs = perTarget
        gather.slotGate = gate
        if let onEvent = options.gather.onEvent {
            gather.onEvent = { @Sendable event in
                switch event {
                case .started(let query, let at): onEvent(.started(query, at: at + offset))
                case .finished(var outcome):
                    outcome.startOffset = outcome.startOffset.map { $0 + offset }
                    onEvent(.finished(outcome))
                }
            }
        }
        await Gatherer(pool: database.pool, options: gather).run(batch) { outcome in
            var outcome = outcome
            outcome.startOffset = outcome.startOffset.map { $0 + offset }
            sink.yield(.outcome(member: index, outcome))
        }
    }
}
