import QGatherCLibPQ

extension PostgresConnection: PipeliningConnection {
    /// Runs `queries` in libpq pipeline mode, each followed by its own sync point, so each is its
    /// own implicit transaction and an error aborts nothing else. The requests are small enough
    /// (the gatherer caps a pipeline's bytes) to be written whole before any result is read.
    func executePipeline(_ queries: [Query], channels: [RowChannel?], control: QueryControl) async -> [PipelinedResult] {
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

    private func pipelineOnThread(_ queries: [Query], channels: [RowChannel?], control: QueryControl) -> [PipelinedResult] {
        thread.preconditionIsCurrent()
        let connection = handle.connection
        let clock = ContinuousClock()
        var results: [PipelinedResult] = []
        results.reserveCapacity(queries.count)
        var sent = 0
        /// Fills in the queries without a result: the sent ones may have run, the others did not.
        func failRest(with error: QueryError, standing: Bool = false) {
            let now = clock.now
            while results.count < queries.count {
                let effect: AttemptEffect? = standing ? nil : results.count < sent ? .unknown : AttemptEffect.none
                results.append(PipelinedResult(result: .failure(error), started: now, ended: now, rerun: effect))
            }
        }
        if let reason = control.begin(interrupt: cancelRequest()) {
            failRest(with: QueryControl.error(for: reason), standing: true)
            return results
        }
        guard PQenterPipelineMode(connection) == 1 else {
            control.end()
            pendingCancels.wait()
            failRest(with: connectionError())
            return results
        }
        var named: [(sql: String, preparing: Bool)?] = []  // queries sent through a named statement
        for query in queries {
            let (ok, statement) = send(query)
            guard ok, PQpipelineSync(connection) == 1 else { break }
            named.append(statement)
            sent += 1
        }
        var started = clock.now
        var broken = false
        for index in 0..<sent {
            var preparationError: QueryError?
            if let statement = named[index], statement.preparing {
                // The Prepare's own result comes first; if it failed, the execution is skipped
                // (aborted) and the Prepare's error is the query's.
                while let result = PQgetResult(connection) {
                    if PQresultStatus(result) != PGRES_COMMAND_OK, preparationError == nil {
                        preparationError = PostgresResultDecoder.error(of: result, sql: queries[index].sql, scrub: conninfo.scrub)
                    }
                    PQclear(result)
                }
                if preparationError != nil { statementCache.forget(statement.sql) }
            }
            var outcome = collectResults(of: queries[index], channel: channels[index])
            if let preparationError { outcome = .failure(preparationError) }
            var rerun: AttemptEffect?
            if case .failure(let error) = outcome, error.code == .featureNotSupported || error.code == .invalidSQLStatementName, let statement = named[index], !statement.preparing {
                // The named statement did not serve: "cached plan must not change result type" (a
                // table changed under it), or "prepared statement does not exist" (its Prepare,
                // earlier in this pipeline, failed). The query did nothing; it runs again unnamed,
                // and gets its own result or error.
                statementCache.forget(statement.sql)
                rerun = AttemptEffect.none
            }
            if case .failure(let error) = outcome, error.kind == .connectionLost, preparationError == nil {
                // No result of this read came back before the link went down (collectResults
                // reports only that as a lost connection). The server may have run it.
                rerun = .unknown
            }
            let ended = clock.now
            results.append(PipelinedResult(result: outcome, started: started, ended: ended, rerun: rerun))
            started = ended
            // Each query's results end with its sync point; anything else means the link broke.
            if let sync = PQgetResult(connection) {
                let status = PQresultStatus(sync)
                PQclear(sync)
                if status != PGRES_PIPELINE_SYNC { broken = true }
            } else {
                broken = true
            }
            if broken { break }
        }
        if broken || sent < queries.count || PQexitPipelineMode(connection) != 1 {
            usable.store(false, ordering: .relaxed)
        }
        let reason = control.end()
        pendingCancels.wait()  // a cancel in flight must land before the next query is sent
        if results.count < queries.count { failRest(with: connectionError()) }  // after a break, or sent only in part
        // Results that arrived before a break stand; failures after it are the lost connection's.
        let lost = PQstatus(connection) != CONNECTION_OK
        if lost { usable.store(false, ordering: .relaxed) } else if isUsable { endOpenTransaction(holdTransaction: false) }
        for index in results.indices {
            guard case .failure(var error) = results[index].result else { continue }
            if let reason, error.code == .queryCanceled {
                error = QueryControl.error(for: reason)
            } else if lost {
                error.kind = .connectionLost
            }
            results[index].result = .failure(error)
        }
        return results
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
