import QGatherCSQLite
import Synchronization

/// Runs of quick statements on one SQLite connection: what a PostgreSQL pipeline does for round
/// trips, a run does for thread hand-offs. The statements are stepped back to back on the
/// connection's thread, in one hand-off for the lot instead of one per statement; each keeps
/// its own result, error and interrupt (`PipelinePlanner` decides how long a run is).
extension SQLiteConnection: PipeliningConnection {
    func executePipeline(_ queries: [Query], channels: [RowChannel?], control: QueryControl, stopAtFirstError: Bool) async -> [PipelinedResult] {
        let running = RunningStatement()
        // Stopping the run stops the statement being stepped; those not started see the stop.
        if control.begin(interrupt: { running.stop() }) != nil {
            let now = ContinuousClock.now
            return queries.map { PipelinedResult(result: .failure(.cancelled($0)), started: now, ended: now, ran: false) }
        }
        let results: [PipelinedResult]
        do {
            results = try await withTaskCancellationHandler {
                try await thread.run { [self] in runRunOnThread(queries, channels: channels, control: control, running: running,
                                                             stopAtFirstError: stopAtFirstError) }
            } onCancel: {
                control.stop(.cancelled)
            }
        } catch {
            let now = ContinuousClock.now
            results = queries.map { PipelinedResult(result: .failure(QueryError(kind: .connectionLost, code: .internal, message: "\(error)", query: $0)),
                                                    started: now, ended: now) }
        }
        control.end()
        return results
    }

    private func runRunOnThread(_ queries: [Query], channels: [RowChannel?], control: QueryControl, running: RunningStatement,
                             stopAtFirstError: Bool) -> [PipelinedResult] {
        var results: [PipelinedResult] = []
        results.reserveCapacity(queries.count)
        var failed = false
        // A run holds reads only: in a parallel batch they share one read transaction, so the
        // file is locked and its change counter checked once per run, not once per statement.
        // Each still sees committed data, as if it had run alone at the run's start.
        let db = handle.pointer
        let shareTransaction = sessionMode == .autocommit && queries.count > 1 && sqlite3_get_autocommit(db) != 0
            && sqlite3_exec(db, "BEGIN DEFERRED", nil, nil, nil) == SQLITE_OK
        defer {
            // Ended by COMMIT, which for reads only releases the lock (and keeps whatever a
            // statement judged a read might have written); if that fails, by ROLLBACK.
            if shareTransaction && sqlite3_get_autocommit(db) == 0 && sqlite3_exec(db, "COMMIT", nil, nil, nil) != SQLITE_OK {
                sqlite3_exec(db, "ROLLBACK", nil, nil, nil)
            }
        }
        for (query, channel) in zip(queries, channels) {
            let started = ContinuousClock.now
            let statement = QueryControl()
            running.set(statement)
            // A stop of the run (fail-fast elsewhere, cancellation) or an error earlier in this
            // run under fail-fast: this statement never starts.
            let skipped = control.stopReason != nil || (failed && stopAtFirstError)
            if skipped { statement.stop(.cancelled) }
            var result = runOnThread(query, control: statement, channel: channel, holdTransaction: shareTransaction)
            running.set(nil)
            if case .failure(var error) = result {
                error.attach(to: query)
                result = .failure(error)
                if error.kind != .cancelled { failed = true }
            }
            results.append(PipelinedResult(result: result, started: started, ended: ContinuousClock.now, ran: !skipped))
        }
        return results
    }
}

/// The statement a run is stepping, for its interrupt.
private final class RunningStatement: Sendable {
    private let current = Mutex<QueryControl?>(nil)

    func set(_ control: QueryControl?) { current.withLock { $0 = control } }

    /// Stops the statement being stepped, if any (a repeated interrupt reaches the next one).
    func stop() { current.withLock { $0 }?.stop(.cancelled) }
}
