import Foundation
import QGatherCSQLite
import Synchronization

/// A `sqlite3*` confined to its own thread. Opened with `SQLITE_OPEN_NOMUTEX`: SQLite's own
/// locking is unnecessary because only this connection's thread ever uses the handle.
final class SQLiteConnection: DatabaseConnection {
    let thread: ConnectionThread
    let handle: SQLiteHandle
    private let busyWait: SQLiteBusyWait
    private let usable = Atomic<Bool>(true)
    let sessionMode: SessionMode

    private let refuseWrites: Bool

    private init(thread: ConnectionThread, handle: SQLiteHandle, busyWait: SQLiteBusyWait, sessionMode: SessionMode, refuseWrites: Bool) {
        self.thread = thread
        self.handle = handle
        self.busyWait = busyWait
        self.sessionMode = sessionMode
        self.refuseWrites = refuseWrites
    }

    /// Opens `filename` (a path or `file:` URI) with `flags` on a new thread and runs `setup` statements.
    /// With `refuseWrites`, a statement that writes is refused before it runs (`--read-only`).
    static func open(filename: String, flags: Int32, busyTimeoutMilliseconds: Int32, setup: [String], sessionMode: SessionMode,
                     refuseWrites: Bool = false, displayName: String, threadName: String) async throws(DatabaseOpenError) -> SQLiteConnection {
        let busyWait = SQLiteBusyWait(timeoutMilliseconds: busyTimeoutMilliseconds)
        // Opening reads the schema, which waits while another connection holds an exclusive
        // lock: cancelling the task (Ctrl-C, fail-fast) ends that wait instead of sitting out
        // the busy timeout.
        let opened = await withTaskCancellationHandler {
            await openHandle(filename: filename, flags: flags, setup: setup, busyWait: busyWait, displayName: displayName, threadName: threadName)
        } onCancel: {
            busyWait.interrupt()
        }
        let (thread, handle) = try opened.get()
        return SQLiteConnection(thread: thread, handle: handle, busyWait: busyWait, sessionMode: sessionMode, refuseWrites: refuseWrites)
    }

    private static func openHandle(filename: String, flags: Int32, setup: [String], busyWait: SQLiteBusyWait, displayName: String,
                                   threadName: String) async -> Result<(ConnectionThread, SQLiteHandle), DatabaseOpenError> {
        do {
            return .success(try await ConnectionThread.open(name: threadName, displayName: displayName) { () -> Result<SQLiteHandle, DatabaseOpenError> in
                var db: OpaquePointer?
                let rc = sqlite3_open_v2(filename, &db, flags | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, nil)
                guard rc == SQLITE_OK, let db else {
                    let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
                    sqlite3_close_v2(db)
                    return .failure(DatabaseOpenError(target: displayName, message: message))
                }
                sqlite3_extended_result_codes(db, 1)
                busyWait.install(on: db)
                // Reading the schema proves the file is a database (SQLITE_NOTADB otherwise).
                for (i, sql) in (["SELECT count(*) FROM sqlite_schema"] + setup).enumerated() {
                    if sqlite3_exec(db, sql, nil, nil, nil) != SQLITE_OK {
                        let message = String(cString: sqlite3_errmsg(db))
                        sqlite3_close_v2(db)
                        return .failure(DatabaseOpenError(target: displayName, message: i == 0 ? message : "init statement failed: \(message)"))
                    }
                }
                return .success(SQLiteHandle(pointer: db))
            })
        } catch {
            return .failure(error)
        }
    }

    var isUsable: Bool { usable.load(ordering: .relaxed) }
    /// SQLite reads every `'...'` string the standard way.
    var standardConformingStrings: Bool { true }

    /// A statement SQLite classifies as a read cannot write (no built-in function writes), and
    /// only reads ever run twice.
    func executeRefusingWrites(_ query: Query, control: QueryControl, channel: RowChannel?) async throws(QueryError) -> RowSet {
        try await execute(query, control: control, channel: channel)
    }

    func execute(_ query: Query, control: QueryControl, channel: RowChannel?) async throws(QueryError) -> RowSet {
        try await thread.runQuery(query, control: control) { [self] in runOnThread(query, control: control, channel: channel) }
    }

    func retire() { usable.store(false, ordering: .relaxed) }

    func executeInOpenTransaction(_ query: Query, control: QueryControl, channel: RowChannel?, requireOpen: Bool,
                                  refuseWrites: Bool) async throws(QueryError) -> RowSet {
        try await thread.runQuery(query, control: control) { [self] in
            // SQLite rolls a transaction back on its own after some errors (SQLITE_FULL, an
            // interrupted write): what follows must not then run, and commit, on its own.
            if requireOpen && sqlite3_get_autocommit(handle.pointer) != 0 {
                return .failure(QueryError(kind: .database, code: .noActiveSQLTransaction,
                                           message: "the transaction has ended (rolled back by SQLite after an error, or by a COMMIT or ROLLBACK in it); this statement did not run"))
            }
            return runOnThread(query, control: control, channel: channel, holdTransaction: true, refuseWrites: refuseWrites)
        }
    }

    /// Steps the query's statements and leaves the connection as its session mode requires
    /// (`holdTransaction`: a transaction the caller opened stays open, even after a failure).
    func runOnThread(_ query: Query, control: QueryControl, channel: RowChannel?, holdTransaction: Bool = false,
                     refuseWrites: Bool = false) -> Result<RowSet, QueryError> {
        thread.preconditionIsCurrent()
        let db = handle.pointer
        busyWait.reset()
        if let reason = control.begin(interrupt: { [handle, busyWait] in
            busyWait.interrupt()  // SQLite does not look at sqlite3_interrupt while it waits for a lock
            sqlite3_interrupt(handle.pointer)
        }) {
            return .failure(QueryControl.error(for: reason))
        }
        let outcome = Result { () throws(QueryError) -> RowSet in
            try SQLiteStatementRunner(db: db, channel: channel, refuseWrites: refuseWrites || self.refuseWrites).run(query)
        }
        let reason = control.end()
        switch sessionMode {
        case .serial:
            break
        case .snapshot:
            // A snapshot transaction that SQLite rolled back on its own cannot be resumed.
            if sqlite3_get_autocommit(db) != 0 { usable.store(false, ordering: .relaxed) }
        case .autocommit:
            // Leave the connection clean: an interrupted or failed transaction is rolled back.
            if !holdTransaction, case .failure = outcome, sqlite3_get_autocommit(db) == 0 { sqlite3_exec(db, "ROLLBACK", nil, nil, nil) }
        }
        // An interrupt ends a query with SQLITE_INTERRUPT, or with SQLITE_BUSY while it waited for a lock.
        if case .failure(let error) = outcome, let reason, error.code == .sqliteInterrupt || busyWait.wasInterrupted {
            return .failure(QueryControl.error(for: reason))
        }
        return outcome
    }

    func close() async {
        let handle = self.handle
        _ = try? await thread.run { sqlite3_close_v2(handle.pointer) }
        usable.store(false, ordering: .relaxed)
        thread.stop()
    }

    func closeOnCallingThread() {
        sqlite3_close_v2(handle.pointer)
        usable.store(false, ordering: .relaxed)
        thread.stop()
    }
}
