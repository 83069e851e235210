import Dispatch
import Foundation
import QGatherCLibPQ
import Synchronization

/// A `PGconn` confined to its own thread: `PQconnectdbParams`, `PQsendQuery` and the blocking
/// `PQgetResult` loop all run there. Cancellation sends `PQcancel` from another thread, and the
/// connection waits for that request to complete before it serves another query, so a late
/// cancel can never hit the next query.
final class PostgresConnection: DatabaseConnection {
    let thread: ConnectionThread
    let handle: PostgresHandle
    let conninfo: PostgresConninfo
    let usable = Atomic<Bool>(true)
    let pendingCancels = DispatchGroup()
    /// Statements prepared on this connection for texts a batch repeats (pipelines only).
    let statementCache = PostgresStatementCache()
    private let sessionMode: SessionMode
    private let readOnly: Bool

    private init(thread: ConnectionThread, handle: PostgresHandle, conninfo: PostgresConninfo, sessionMode: SessionMode, readOnly: Bool) {
        self.thread = thread
        self.handle = handle
        self.conninfo = conninfo
        self.sessionMode = sessionMode
        self.readOnly = readOnly
    }

    /// Connects on a new thread and runs `setup` statements. With `readOnly`, every query runs
    /// with `default_transaction_read_only = on` (see `enforceReadOnly()`).
    static func connect(_ conninfo: PostgresConninfo, setup: [String], sessionMode: SessionMode, readOnly: Bool = false,
                        threadName: String) async throws(DatabaseOpenError) -> PostgresConnection {
        let displayName = conninfo.displayName
        let (thread, handle) = try await ConnectionThread.open(name: threadName, displayName: displayName) { () -> Result<PostgresHandle, DatabaseOpenError> in
            let parameters = conninfo.connectParameters
            let connection = withCStringArray(parameters.map(\.keyword)) { keywords in
                withCStringArray(parameters.map(\.value)) { values in
                    PQconnectdbParams(keywords, values, 0)
                }
            }
            guard let connection else {
                return .failure(DatabaseOpenError(target: displayName, message: "out of memory"))
            }
            guard PQstatus(connection) == CONNECTION_OK else {
                let message = conninfo.scrub(String(cString: PQerrorMessage(connection)))
                PQfinish(connection)
                return .failure(DatabaseOpenError(target: displayName, message: message))
            }
            PQsetNoticeProcessor(connection, { _, _ in }, nil)  // notices would go to stderr unasked
            for sql in setup {
                let result = PQexec(connection, sql)
                defer { PQclear(result) }
                let status = PQresultStatus(result)
                if status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK {
                    let message = conninfo.scrub(String(cString: PQerrorMessage(connection)))
                    PQfinish(connection)
                    return .failure(DatabaseOpenError(target: displayName, message: "init statement failed: \(message)"))
                }
            }
            var handle = PostgresHandle(connection: connection, cancel: PQgetCancel(connection))
            if let reported = PQparameterStatus(connection, "standard_conforming_strings") {
                handle.standardConformingStrings = String(cString: reported) != "off"
            }
            return .success(handle)
        }
        return PostgresConnection(thread: thread, handle: handle, conninfo: conninfo, sessionMode: sessionMode, readOnly: readOnly)
    }

    var isUsable: Bool { usable.load(ordering: .relaxed) }
    var standardConformingStrings: Bool { handle.standardConformingStrings }

    func retire() { usable.store(false, ordering: .relaxed) }

    /// PostgreSQL's `BEGIN ... READ ONLY` refuses writes itself, so `refuseWrites` is not needed here.
    func executeInOpenTransaction(_ query: Query, control: QueryControl, channel: RowChannel?, requireOpen: Bool,
                                  refuseWrites: Bool) async throws(QueryError) -> RowSet {
        try await thread.runQuery(query, control: control) { [self] in
            if requireOpen && PQtransactionStatus(handle.connection) == PQTRANS_IDLE {
                return .failure(QueryError(kind: .database, code: .noActiveSQLTransaction,
                                           message: "the transaction has ended (a COMMIT or ROLLBACK in it); this statement did not run"))
            }
            // The server would refuse any statement but answer COMMIT with ROLLBACK, as a success.
            if requireOpen && PQtransactionStatus(handle.connection) == PQTRANS_INERROR {
                return .failure(QueryError(kind: .database, code: .inFailedSQLTransaction,
                                           message: "the transaction failed earlier (a statement in it failed or was cancelled); it is rolled back and \(query.name) did not run"))
            }
            return runOnThread(query, control: control, channel: channel, holdTransaction: true)
        }
    }

    func execute(_ query: Query, control: QueryControl, channel: RowChannel?) async throws(QueryError) -> RowSet {
        try await thread.runQuery(query, control: control) { [self] in runOnThread(query, control: control, channel: channel) }
    }

    /// The query inside `BEGIN READ ONLY` ... `ROLLBACK` (a read-only transaction, so a write
    /// through a function fails with 25006 rather than happen), when the connection is idle; a
    /// snapshot session's transaction is read-only already.
    func executeRefusingWrites(_ query: Query, control: QueryControl, channel: RowChannel?) async throws(QueryError) -> RowSet {
        try await thread.runQuery(query, control: control) { [self] in
            let connection = handle.connection
            guard PQtransactionStatus(connection) == PQTRANS_IDLE else {
                guard sessionMode == .snapshot else {
                    return .failure(QueryError(kind: .database, code: .readOnlySQLTransaction, message: "cannot run it again read-only inside an open transaction"))
                }
                return runOnThread(query, control: control, channel: channel)
            }
            let begin = PQexec(connection, "BEGIN READ ONLY")
            let began = PQresultStatus(begin) == PGRES_COMMAND_OK
            PQclear(begin)
            guard began else { return .failure(connectionError()) }
            let outcome = runOnThread(query, control: control, channel: channel, holdTransaction: true)
            if PQstatus(connection) == CONNECTION_OK && PQtransactionStatus(connection) != PQTRANS_IDLE {
                PQclear(PQexec(connection, "ROLLBACK"))
                if PQtransactionStatus(connection) != PQTRANS_IDLE { usable.store(false, ordering: .relaxed) }
            }
            return outcome
        }
    }

    /// `BEGIN`, the queries, `COMMIT` (or `ROLLBACK` after an error). A parallel-batch connection
    /// rolls back whatever a query leaves open, so these calls ask it to hold the transaction.
    func executeInTransaction(_ queries: [Query]) async throws(QueryError) -> [RowSet] {
        func run(_ query: Query, hold: Bool = true) async throws(QueryError) -> RowSet {
            let control = QueryControl()
            return try await thread.runQuery(query, control: control) { [self] in
                runOnThread(query, control: control, channel: nil, holdTransaction: hold)
            }
        }
        _ = try await run(Query("BEGIN"))
        var rowSets: [RowSet] = []
        do {
            for query in queries { rowSets.append(try await run(query)) }
            _ = try await run(Query("COMMIT"), hold: false)  // a deferred constraint fails here
        } catch {
            _ = try? await run(Query("ROLLBACK"), hold: false)
            throw error
        }
        return rowSets
    }

    /// Sends the query, collects its results and leaves the connection idle (or marks it broken).
    private func runOnThread(_ query: Query, control: QueryControl, channel: RowChannel?, holdTransaction: Bool = false) -> Result<RowSet, QueryError> {
        thread.preconditionIsCurrent()
        let connection = handle.connection
        if let failure = enforceReadOnly() ?? refuseServerFileCopy(query) { return .failure(failure) }
        if let stopReason = control.begin(interrupt: cancelRequest()) { return .failure(QueryControl.error(for: stopReason)) }

        var outcome: Result<RowSet, QueryError>
        if PostgresParameters.send(query, on: connection) == 0 {
            outcome = .failure(connectionError())
        } else {
            // With a channel, rows arrive one result per row (single-row mode) and leave in chunks.
            if channel != nil { PQsetSingleRowMode(connection) }
            outcome = collectResults(of: query, channel: channel)
        }
        let reason = control.end()
        pendingCancels.wait()  // a cancel in flight must land before the next query is sent
        return settle(outcome, stopReason: reason, holdTransaction: holdTransaction)
    }

    /// The action that interrupts the running query: `PQcancel` blocks on a round trip to the
    /// server, so it is sent from elsewhere, and this connection waits for it (`pendingCancels`)
    /// before it serves another query.
    func cancelRequest() -> @Sendable () -> Void {
        let handle = self.handle
        let pendingCancels = self.pendingCancels
        return {
            guard handle.cancel != nil else { return }
            pendingCancels.enter()
            ControlQueues.runBlocking("qgather-cancel") {
                var buffer = [CChar](repeating: 0, count: 256)
                _ = PQcancel(handle.cancel, &buffer, Int32(buffer.count))
                pendingCancels.leave()
            }
        }
    }

    /// Reads one query's results until `PQgetResult` returns NULL. With a `channel`, rows go
    /// through it (in chunks from single-row mode, or in one piece from a whole result).
    func collectResults(of query: Query, channel: RowChannel?) -> Result<RowSet, QueryError> {
        thread.preconditionIsCurrent()
        let connection = handle.connection
        var outcome: Result<RowSet, QueryError> = .success(RowSet(columns: [], rows: [], rowsAffected: 0, realRendering: .postgres))
        var failure: QueryError?
        var streaming: (columns: [Column], kinds: [RowChunk.Kind], chunk: RowChunk)?
        var received = false
        while let result = PQgetResult(connection) {
            defer { PQclear(result) }
            received = true
            switch PQresultStatus(result) {
            case PGRES_SINGLE_TUPLE:
                guard let channel, failure == nil else { continue }
                if streaming == nil {
                    let (columns, kinds) = PostgresResultDecoder.columns(of: result)
                    channel.start(columns: columns, realRendering: .postgres)
                    streaming = (columns, kinds, RowChunk(columnCount: columns.count))
                }
                PostgresResultDecoder.append(rowsOf: result, kinds: streaming!.kinds, to: &streaming!.chunk)
                if streaming!.chunk.rowCount >= 1024 {
                    channel.push(streaming!.chunk)
                    streaming!.chunk = RowChunk(columnCount: streaming!.columns.count)
                }
            case PGRES_TUPLES_OK:
                guard failure == nil else { continue }
                if let channel {
                    let columns: [Column]
                    if let current = streaming {
                        // The end of a result set in single-row mode (it holds no rows itself).
                        if !current.chunk.isEmpty { channel.push(current.chunk) }
                        columns = current.columns
                    } else {
                        // A whole result (pipeline mode, or a result without rows): its rows in one piece.
                        let (resultColumns, kinds) = PostgresResultDecoder.columns(of: result)
                        channel.start(columns: resultColumns, realRendering: .postgres)
                        var chunk = RowChunk(columnCount: resultColumns.count)
                        PostgresResultDecoder.append(rowsOf: result, kinds: kinds, to: &chunk)
                        if !chunk.isEmpty { channel.push(chunk) }
                        columns = resultColumns
                    }
                    streaming = nil
                    let (held, streamed) = channel.finish()
                    outcome = .success(RowSet(columns: columns, chunks: held, realRendering: .postgres, streamedRowCount: streamed))
                } else {
                    outcome = .success(PostgresResultDecoder.rows(of: result))
                }
            case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
                if failure == nil {
                    let tuples = String(cString: PQcmdTuples(result))
                    outcome = .success(RowSet(columns: [], rows: [], rowsAffected: Int(tuples) ?? 0, realRendering: .postgres))
                }
            case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
                failure = QueryError(kind: .database, code: .featureNotSupported, message: "COPY is not supported in a batch")
                PQputCopyEnd(connection, "COPY is not supported by qgather")
            default:
                if let channel, let chunk = streaming?.chunk, !chunk.isEmpty { channel.push(chunk) }
                streaming = nil
                if failure == nil { failure = PostgresResultDecoder.error(of: result, sql: query.sql, scrub: conninfo.scrub) }
            }
        }
        if let failure { outcome = .failure(failure) }
        // No result at all, and the link is down: the query did not succeed (no "0 rows").
        if !received && PQstatus(connection) != CONNECTION_OK { return .failure(connectionError()) }
        return outcome
    }

    /// After a query: a broken connection is marked so, a transaction left open is rolled back
    /// (or the connection retired), and a server-side cancel is reported as the stop that caused it.
    func settle(_ outcome: Result<RowSet, QueryError>, stopReason: QueryControl.StopReason?, holdTransaction: Bool = false) -> Result<RowSet, QueryError> {
        let connection = handle.connection
        if PQstatus(connection) != CONNECTION_OK {
            usable.store(false, ordering: .relaxed)
            if case .failure(var error) = outcome {
                error.kind = .connectionLost
                return .failure(error)
            }
            return .failure(connectionError())
        }
        endOpenTransaction(holdTransaction: holdTransaction)
        if case .failure(let error) = outcome, error.code == .queryCanceled, let stopReason {
            return .failure(QueryControl.error(for: stopReason))
        }
        return outcome
    }

    /// `--read-only` guards the data, and a read-only transaction still lets a privileged role
    /// `COPY ... TO` a file on the server (or `PROGRAM`). A read-only run refuses every COPY
    /// (a batch cannot use COPY to or from the client anyway).
    private func refuseServerFileCopy(_ query: Query) -> QueryError? {
        guard readOnly else { return nil }
        let statements = (try? ScriptSplitter(dialect: .postgres).split(query.sql)) ?? [query]
        guard statements.contains(where: { StatementKind.leadingWords(of: $0.sql, dialect: .postgres).first == "COPY" }) else { return nil }
        return QueryError(kind: .database, code: .readOnlySQLTransaction, message: "COPY is refused by --read-only (it can write files on the server)")
    }

    /// Never hands out a connection in a transaction it should not be in: an autocommit
    /// connection left in one (a failed or cancelled one included) rolls it back, and a snapshot
    /// connection whose transaction failed or ended is retired.
    func endOpenTransaction(holdTransaction: Bool) {
        thread.preconditionIsCurrent()
        let connection = handle.connection
        if sessionMode == .snapshot {
            if PQtransactionStatus(connection) != PQTRANS_INTRANS { usable.store(false, ordering: .relaxed) }
        } else if sessionMode == .autocommit && !holdTransaction && PQtransactionStatus(connection) != PQTRANS_IDLE {
            PQclear(PQexec(connection, "ROLLBACK"))
            if PQtransactionStatus(connection) != PQTRANS_IDLE { usable.store(false, ordering: .relaxed) }
        }
    }

    /// `--read-only` rests on the session default `default_transaction_read_only`, which a query
    /// may turn off for the queries after it on the same connection
    /// (`SELECT set_config('default_transaction_read_only', 'off', false)`; `SET` itself is refused
    /// before the batch runs, a function call is not). Before each query the setting is checked —
    /// servers since PostgreSQL 14 report it with every change, so that costs no round trip — and
    /// set again when it is not `on`. A connection where that fails serves no more queries.
    private func enforceReadOnly() -> QueryError? {
        guard readOnly else { return nil }
        let connection = handle.connection
        if let reported = PQparameterStatus(connection, "default_transaction_read_only"), String(cString: reported) == "on" { return nil }
        let result = PQexec(connection, "SET default_transaction_read_only = on")
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COMMAND_OK else {
            usable.store(false, ordering: .relaxed)
            let message = conninfo.scrub(String(cString: PQerrorMessage(connection)))
            return QueryError(kind: .connectionLost, code: .readOnlySQLTransaction, message: "cannot keep the session read-only: \(message)")
        }
        return nil
    }

    func connectionError() -> QueryError {
        usable.store(false, ordering: .relaxed)
        let message = conninfo.scrub(String(cString: PQerrorMessage(handle.connection)))
        return QueryError(kind: .connectionLost, code: .connectionFailure, message: message.isEmpty ? "connection to server lost" : message)
    }

    func close() async {
        let handle = self.handle
        _ = try? await thread.run { Self.finish(handle) }
        usable.store(false, ordering: .relaxed)
        thread.stop()
    }

    func closeOnCallingThread() {
        Self.finish(handle)
        usable.store(false, ordering: .relaxed)
        thread.stop()
    }

    private static func finish(_ handle: PostgresHandle) {
        if let cancel = handle.cancel { PQfreeCancel(cancel) }
        PQfinish(handle.connection)
    }
}

/// Calls `body` with a NULL-terminated array of C strings.
private func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let duplicates = strings.map { strdup($0) }
    defer { duplicates.forEach { free($0) } }
    var pointers: [UnsafePointer<CChar>?] = duplicates.map { UnsafePointer($0) }
    pointers.append(nil)
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
