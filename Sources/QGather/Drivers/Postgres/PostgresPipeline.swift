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
            let failure = QueryError(kind: .connectionLost, code: "internal", message: "\(error)")
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
        let connection = handle.connection
        let clock = ContinuousClock()
        var results: [PipelinedResult] = []
        results.reserveCapacity(queries.count)
        func failRest(with error: QueryError, reachedServer: Bool = false) {
            let now = clock.now
            while results.count < queries.count {
                results.append(PipelinedResult(result: .failure(error), started: now, ended: now, reachedServer: reachedServer))
            }
        }
        if let reason = control.begin(interrupt: cancelRequest()) {
            failRest(with: QueryControl.error(for: reason), reachedServer: true)
            return results
        }
        guard PQenterPipelineMode(connection) == 1 else {
            control.end()
            pendingCancels.wait()
            failRest(with: connectionError())
            return results
        }
        var sent = 0
        for query in queries {
            guard PostgresParameters.send(query, on: connection, extended: true) == 1, PQpipelineSync(connection) == 1 else { break }
            sent += 1
        }
        var started = clock.now
        var broken = false
        for index in 0..<sent {
            let outcome = collectResults(of: queries[index], channel: channels[index])
            let ended = clock.now
            results.append(PipelinedResult(result: outcome, started: started, ended: ended))
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
        if results.count < queries.count { failRest(with: connectionError()) }
        // Results that arrived before a break stand; failures after it are the lost connection's.
        let lost = PQstatus(connection) != CONNECTION_OK
        if lost { usable.store(false, ordering: .relaxed) } else if isUsable { endOpenTransaction(holdTransaction: false) }
        for index in results.indices {
            guard case .failure(var error) = results[index].result else { continue }
            if let reason, error.code == "57014" {
                error = QueryControl.error(for: reason)
            } else if lost {
                error.kind = .connectionLost
            }
            results[index].result = .failure(error)
        }
        return results
    }
}
