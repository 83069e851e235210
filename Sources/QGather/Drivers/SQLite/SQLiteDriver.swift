import Foundation
import QGatherCSQLite
import Synchronization

/// Opens connections to one SQLite database.
///
/// A plain path must name an existing file unless `create` is set (only `migrate` creates
/// databases): a mistyped path is an error and leaves no empty file behind. `:memory:` becomes
/// one in-memory database (memdb VFS) shared by every connection of this driver; an anchor
/// connection keeps it alive while the driver exists.
package final class SQLiteDriver: DatabaseDriver {
    /// Options for opening SQLite connections.
    package struct Options: Sendable {
        /// Open read-only (`SQLITE_OPEN_READONLY`).
        package var readOnly = false
        /// Create the file if it does not exist (migrations only).
        package var create = false
        /// How long a connection waits for a lock held by another writer, in milliseconds.
        package var busyTimeoutMilliseconds: Int32 = 5000
        /// Statements run on every new connection (`PRAGMA cache_size = ...`).
        package var initSQL: [String] = []
        /// How connections treat transactions between queries.
        var sessionMode = SessionMode.autocommit

        /// Default options: read-write, never create, 5 s busy timeout.
        package init() {}
    }

    /// The path or URI as the user gave it.
    package let path: String
    /// The options connections are opened with.
    package let options: Options
    /// The dialect batches for this database are split in.
    package var dialect: SQLDialect { .sqlite }
    /// The target for messages (a PostgreSQL password never appears).
    package var displayName: String { path }

    /// Turns off SQLite's memory statistics for this process, before any connection opens: with
    /// them, every allocation of every connection takes one global mutex, which the connections
    /// of a batch of quick queries contend for. A process-wide setting, so only a program that
    /// owns its SQLite (the CLI) calls it, never the library on a caller's behalf. Returns false
    /// when SQLite was already initialised and nothing changed.
    @discardableResult
    package static func disableMemoryStatistics() -> Bool {
        qgather_sqlite_disable_memstatus() == SQLITE_OK
    }

    private let filename: String
    private let anchor = Mutex<SQLiteConnection?>(nil)
    private let connectionCounter = Atomic<Int>(0)
    private static let memoryCounter = Atomic<Int>(0)

    /// Prepares a driver for `path` (a file path, `:memory:`, or a `file:` URI).
    package init(path: String, options: Options = Options()) {
        self.path = path
        self.options = options
        if path == ":memory:" || path.isEmpty {
            let n = SQLiteDriver.memoryCounter.add(1, ordering: .relaxed).newValue
            filename = "file:/qgather-memory-\(getpid())-\(n)?vfs=memdb"
        } else {
            filename = path
        }
    }

    private init(path: String, filename: String, options: Options) {
        self.path = path
        self.filename = filename
        self.options = options
    }

    /// A driver for the same database whose connections run `setup` and treat transactions as `mode` says.
    package func sessionDriver(_ mode: SessionMode, setup: [String]) -> any DatabaseDriver {
        var options = self.options
        options.initSQL += setup
        options.sessionMode = mode
        return SQLiteDriver(path: path, filename: filename, options: options)
    }

    /// Opens a new connection on its own thread.
    package func connect() async throws(DatabaseOpenError) -> any DatabaseConnection {
        try await ensureAnchor()
        return try await open()
    }

    /// Closes the anchor connection that keeps an in-memory database alive.
    package func shutdown() async {
        let anchor = self.anchor.withLock { a in
            defer { a = nil }
            return a
        }
        await anchor?.close()
    }

    private var isSharedMemory: Bool { filename.hasPrefix("file:/qgather-memory-") }

    private func ensureAnchor() async throws(DatabaseOpenError) {
        guard isSharedMemory, anchor.withLock({ $0 == nil }) else { return }
        let connection = try await open()
        let extra = anchor.withLock { a -> SQLiteConnection? in
            if a == nil {
                a = connection
                return nil
            }
            return connection
        }
        await extra?.close()
    }

    private func open() async throws(DatabaseOpenError) -> SQLiteConnection {
        if !filename.hasPrefix("file:") {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: filename, isDirectory: &isDirectory)
            if !exists && !options.create { throw DatabaseOpenError(target: displayName, message: "no such database file") }
            if isDirectory.boolValue { throw DatabaseOpenError(target: displayName, message: "is a directory, not a database file") }
            if exists && access(filename, R_OK) != 0 { throw DatabaseOpenError(target: displayName, message: "permission denied") }
            if !exists && options.create {
                // SQLite would only say "unable to open database file".
                let directory = (filename as NSString).deletingLastPathComponent
                var directoryIsDirectory: ObjCBool = false
                if !FileManager.default.fileExists(atPath: directory.isEmpty ? "." : directory, isDirectory: &directoryIsDirectory)
                    || !directoryIsDirectory.boolValue {
                    throw DatabaseOpenError(target: displayName, message: "cannot create the database file: no such directory")
                }
                if access(directory.isEmpty ? "." : directory, W_OK | X_OK) != 0 {
                    throw DatabaseOpenError(target: displayName, message: "cannot create the database file: its directory is not writable")
                }
            }
        }
        var flags = options.readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        if options.create && !options.readOnly { flags |= SQLITE_OPEN_CREATE }
        if isSharedMemory { flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE }
        let n = connectionCounter.add(1, ordering: .relaxed).newValue
        // query_only also refuses writes that the open flags do not cover (a TEMP table, an ATTACHed file).
        let setup = (options.readOnly ? ["PRAGMA query_only = 1"] : []) + options.initSQL
        return try await SQLiteConnection.open(filename: filename, flags: flags, busyTimeoutMilliseconds: options.busyTimeoutMilliseconds,
                                               setup: setup, sessionMode: options.sessionMode, refuseWrites: options.readOnly,
                                               displayName: displayName,
                                               threadName: "qg-sqlite-\(n)")
    }
}

extension SQLiteDriver: PipelineCapableDriver {
    /// Runs of quick reads on one connection's thread, in a parallel batch or a serial session
    /// (a run steps each statement as it would alone, and a serial connection keeps whatever
    /// transaction a statement leaves); snapshot sessions take their statements one at a time.
    var pipelining: Bool { options.sessionMode != .snapshot }

    func pipelineRequestSize(of query: Query) -> Int {
        query.sqlByteCount
    }
}
