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
        var shared = SharedReadTransaction(db: handle.pointer, eligible: sessionMode == .autocommit && queries.count > 1)
        for (query, channel) in zip(queries, channels) {
            let started = ContinuousClock.now
            let statement = QueryControl()
            running.set(statement)
            // A stop of the run (fail-fast elsewhere, cancellation) or an error earlier in this
            // run under fail-fast: this statement never starts.
            let skipped = control.stopReason != nil || (failed && stopAtFirstError)
            if skipped { statement.stop(.cancelled) }
            // A query that may stream (a channel) can wait on a slow reader of the output: it
            // runs alone, never holding the shared transaction's lock while it waits.
            if channel == nil && !skipped { shared.begin() } else { shared.end() }
            var result = runOnThread(query, control: statement, channel: channel, holdTransaction: shared.isOpen)
            if let failure = shared.endIfDue() {
                var failure = failure
                failure.attach(to: query)
                if case .success = result { result = .failure(failure) }
            }
            running.set(nil)
            if case .failure(var error) = result {
                error.attach(to: query)
                result = .failure(error)
                if error.kind != .cancelled { failed = true }
            }
            results.append(PipelinedResult(result: result, started: started, ended: ContinuousClock.now, ran: !skipped))
        }
        if let failure = shared.end(), let last = results.indices.last, case .success = results[last].result {
            var failure = failure
            failure.attach(to: queries[last])
            results[last].result = .failure(failure)
        }
        return results
    }
}

/// The read transaction a run's reads share in a parallel batch (`BEGIN DEFERRED` … `COMMIT`):
/// the file is locked and its change counter read once for many statements instead of once each.
/// Each read still sees committed data, as if it had run alone when the transaction began.
///
/// It is held briefly: ended once it is 2 ms old (a waiting writer then gets in after at most one
/// more statement, as between autocommit reads), and at once if a statement wrote after all (it
/// is committed then, as autocommit would; if that commit fails, the statement fails with it).
private struct SharedReadTransaction {
    let db: OpaquePointer
    /// Whether this run may share one (a parallel batch's autocommit connection).
    let eligible: Bool
    private(set) var isOpen = false
    private var openedAt = ContinuousClock.now
    static let longest = Duration.milliseconds(2)

    init(db: OpaquePointer, eligible: Bool) {
        self.db = db
        self.eligible = eligible
    }

    /// Opens it if it is not open and the connection is in autocommit.
    mutating func begin() {
        guard eligible, !isOpen, sqlite3_get_autocommit(db) != 0 else { return }
        isOpen = sqlite3_exec(db, "BEGIN DEFERRED", nil, nil, nil) == SQLITE_OK
        openedAt = ContinuousClock.now
    }

    /// Ends it after a statement if it is old enough or the statement wrote; the commit's error if it failed.
    mutating func endIfDue() -> QueryError? {
        guard isOpen else { return nil }
        guard ContinuousClock.now - openedAt >= Self.longest || sqlite3_txn_state(db, nil) == SQLITE_TXN_WRITE else { return nil }
        return end()
    }

    /// Ends it (COMMIT: for reads, only the lock is released); the error if the commit failed,
    /// in which case it is rolled back. SQLite may have ended it already (after an I/O error).
    @discardableResult
    mutating func end() -> QueryError? {
        guard isOpen else { return nil }
        isOpen = false
        guard sqlite3_get_autocommit(db) == 0, sqlite3_exec(db, "COMMIT", nil, nil, nil) != SQLITE_OK else { return nil }
        let code = sqlite3_extended_errcode(db)
        let failure = QueryError(kind: .database, code: QueryError.Code(rawValue: SQLiteErrorCodes.name(code)),
                                 message: "the statement's change could not be committed: \(String(cString: sqlite3_errmsg(db)))", extendedCode: code)
        if sqlite3_get_autocommit(db) == 0 { sqlite3_exec(db, "ROLLBACK", nil, nil, nil) }
        return failure
    }
}

/// The statement a run is stepping, for its interrupt.
private final class RunningStatement: Sendable {
    private let current = Mutex<QueryControl?>(nil)

    func set(_ control: QueryControl?) { current.withLock { $0 = control } }

    /// Stops the statement being stepped, if any (a repeated interrupt reaches the next one).
    func stop() { current.withLock { $0 }?.stop(.cancelled) }
}
