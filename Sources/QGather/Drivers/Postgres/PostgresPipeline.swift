import QGatherCLibPQ

extension PostgresConnection: PipeliningConnection {
    /// Runs `queries` in libpq pipeline mode, each followed by its own sync point, so each is its
    /// own implicit transaction and an error aborts nothing else. The requests are small enough
    /// (the gatherer caps a pipeline's bytes) to be written whole before any result is read.
    func executePipeline(_ queries: [Query], channels: [RowChannel?], control: QueryControl, stopAtFirstError: Bool) async -> [PipelinedResult] {
        let results: [PipelinedResult]
        do {
            results = try await withTaskCancellationHandler {
                try await thread.run { [self] in pipelineOnThread(queries, channels: channels, control: control) }
            } onCancel: {
                control.stop(.cancelled)
            }
        } catch {
            let now = ContinuousClock.now
            let failure = QueryError(kind: .connectionLost, code: .internal, message: "\(error)")
            return queries.map { _ in PipelinedResult(result: .failure(failure), started: now, ended: now) }
        }
        return zip(queries, results).map { query, item in
            var item = item
            if case .failure(var error) = item.result {
                error.attach(to: query)
                item.result = .failure(error)
            }
            return item
        }
    }

    /// Sends every query, then reads each one's results up to its sync point; `PipelineRun`
    /// decides what each outcome means.
    private func pipelineOnThread(_ queries: [Query], channels: [RowChannel?], control: QueryControl) -> [PipelinedResult] {
        thread.preconditionIsCurrent()
        let connection = handle.connection
        let clock = ContinuousClock()
        var run = PipelineRun(count: queries.count)
        if let reason = control.begin(interrupt: cancelRequest()) {
            run.failRest(with: QueryControl.error(for: reason), at: clock.now, standing: true)
            return run.results
        }
        guard PQenterPipelineMode(connection) == 1 else {
            control.end()
            pendingCancels.wait()
            run.failRest(with: connectionError(), at: clock.now)
            return run.results
        }
        sendAll(queries, into: &run)
        readAll(queries, channels: channels, into: &run, clock: clock)
        if run.broken || run.sent < queries.count || PQexitPipelineMode(connection) != 1 {
            usable.store(false, ordering: .relaxed)
        }
        let reason = control.end()
        pendingCancels.wait()  // a cancel in flight must land before the next query is sent
        if !run.isComplete { run.failRest(with: connectionError(), at: clock.now) }  // after a break, or sent only in part
        // Results that arrived before a break stand; failures after it are the lost connection's.
        let lost = PQstatus(connection) != CONNECTION_OK
        if lost { usable.store(false, ordering: .relaxed) } else if isUsable { endOpenTransaction(holdTransaction: false) }
        return run.settled(stopReason: reason, lost: lost)
    }

    /// Sends each query with its own sync point, until libpq refuses one.
    private func sendAll(_ queries: [Query], into run: inout PipelineRun) {
        for query in queries {
            let (ok, statement) = send(query)
            guard ok, PQpipelineSync(handle.connection) == 1 else { return }
            run.recordSent(statement)
        }
    }

    /// Reads the results of each sent query, in order, until they are all read or the link breaks.
    private func readAll(_ queries: [Query], channels: [RowChannel?], into run: inout PipelineRun, clock: ContinuousClock) {
        let connection = handle.connection
        var started = clock.now
        for index in 0..<run.sent {
            // A Prepare sent with the query has its own result first; if it failed, the execution
            // is skipped (aborted) and the Prepare's error is the query's.
            var preparationError: QueryError?
            if let statement = run.named[index], statement.preparing {
                while let result = PQgetResult(connection) {
                    if PQresultStatus(result) != PGRES_COMMAND_OK, preparationError == nil {
                        preparationError = PostgresResultDecoder.error(of: result, sql: queries[index].sql, scrub: conninfo.scrub)
                    }
                    PQclear(result)
                }
            }
            var outcome = collectResults(of: queries[index], channel: channels[index])
            if let preparationError { outcome = .failure(preparationError) }
            let ended = clock.now
            if let forget = run.record(outcome, preparationFailed: preparationError != nil, started: started, ended: ended) {
                statementCache.forget(forget)
            }
            started = ended
            // Each query's results end with its sync point; anything else means the link broke.
            if let sync = PQgetResult(connection) {
                let status = PQresultStatus(sync)
                PQclear(sync)
                if status != PGRES_PIPELINE_SYNC { run.recordBreak() }
            } else {
                run.recordBreak()
            }
            if run.broken { return }
        }
    }

    /// Sends one query of a pipeline, through a named prepared statement when the connection has
    /// seen its text before (`PostgresStatementCache`); integer literals it compares against go
    /// as parameters (`PostgresLiteralParameters`), so texts that differ only in them count as
    /// the same. Returns whether libpq took it and, for a named statement, its SQL and whether
    /// its Prepare went out with it (the SQL is the statement cache's key).
    private func send(_ query: Query) -> (sent: Bool, statement: (sql: String, preparing: Bool)?) {
        let connection = handle.connection
        guard var bound = PostgresParameters.bind(query) else {
            return (PostgresParameters.send(query, on: connection, extended: true) == 1, nil)
        }
        if bound.values.isEmpty, let rewritten = PostgresLiteralParameters.rewrite(bound.sql) {
            bound = PostgresParameters.Bound(sql: rewritten.sql, values: rewritten.values,
                                             types: Array(repeating: PostgresLiteralParameters.int4, count: rewritten.values.count))
        }
        let count = Int32(bound.values.count)
        func execute(_ name: String) -> Bool {
            PostgresParameters.withValues(bound.values) { PQsendQueryPrepared(connection, name, count, $0, nil, nil, 0) } == 1
        }
        // Declared types are part of a statement: a text the user binds (types inferred) never
        // shares a statement with the same text made here (int4).
        let key = bound.types == nil ? bound.sql : "int4\u{0}" + bound.sql
        switch statementCache.plan(for: key) {
        case .unnamed:
            return (PostgresParameters.send(bound, on: connection, extended: true) == 1, nil)
        case .reuse(let name):
            return (execute(name), (key, false))
        case .prepare(let name):
            let prepared = PostgresParameters.withTypes(bound.types) { PQsendPrepare(connection, name, bound.sql, count, $0) }
            guard prepared == 1 else { return (false, nil) }
            return (execute(name), (key, true))
        }
    }
}
