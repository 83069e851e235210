import Logging

/// A database to run batches against: a driver and its connection pool.
///
/// ```swift
/// let db = Database.sqlite(":memory:")
/// try await db.execute("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2)")
/// let outcomes = await db.gather(Batch(sql: ["SELECT count(*) FROM t", "SELECT max(x) FROM t"]))
/// ```
public final class Database: Sendable {
    /// Opens connections.
    package let driver: any DatabaseDriver
    /// Holds and hands out connections.
    package let pool: ConnectionPool
    /// The logger given in the configuration; each batch gathered is logged at debug level.
    public let logger: Logger

    /// A database over `driver` with a pool of at most `maxConnections`.
    package init(driver: any DatabaseDriver, maxConnections: Int = GatherOptions.defaultJobs, logger: Logger = Database.silentLogger) {
        self.driver = driver
        self.pool = ConnectionPool(driver: driver, maxConnections: maxConnections)
        self.logger = logger
    }

    /// A SQLite database: a file path, `:memory:` (one in-memory database shared by every
    /// pooled connection) or a `file:` URI. Nothing is opened until first use or `validate()`.
    public static func sqlite(_ path: String, configuration: Configuration = Configuration()) -> Database {
        var options = SQLiteDriver.Options()
        options.readOnly = configuration.readOnly
        options.create = configuration.createIfMissing
        options.initSQL = configuration.initSQL
        let milliseconds = configuration.busyTimeout.components.seconds * 1000 + configuration.busyTimeout.components.attoseconds / 1_000_000_000_000_000
        options.busyTimeoutMilliseconds = Int32(clamping: milliseconds)
        return Database(driver: SQLiteDriver(path: path, options: options), maxConnections: configuration.poolSize(for: .sqlite),
                        logger: configuration.logger)
    }

    /// The most connections this database's pool opens at once.
    public var maxConnections: Int { pool.maxConnections }

    /// A short name for this database, a fleet's default member label: a SQLite file's name
    /// without its extension (`memory` for `:memory:`), a PostgreSQL server's
    /// `host:port/dbname`. Never a password.
    public var label: String {
        if let postgres = driver as? PostgresDriver { return postgres.label }
        guard let sqlite = driver as? SQLiteDriver else { return driver.displayName }
        var path = sqlite.path
        if path == ":memory:" || path.isEmpty { return "memory" }
        if path.hasPrefix("file:") { path = String(path.dropFirst(5).prefix { $0 != "?" }) }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    /// The dialect batches for this database are split in.
    public var dialect: SQLDialect { driver.dialect }

    /// Opens one connection (and keeps it in the pool) to prove the database can be reached.
    public func validate() async throws(DatabaseOpenError) {
        do {
            let connection = try await pool.lease()
            pool.release(connection)
        } catch let error as DatabaseOpenError {
            throw error
        } catch {
            throw DatabaseOpenError(target: driver.displayName, message: "\(error)")
        }
    }

    /// PostgreSQL: the session's `standard_conforming_strings` once a connection is set up (its
    /// `initSQL` run), as the server reports it: split batches with it (`ScriptSplitter`). True for SQLite.
    public func standardConformingStrings() async throws(DatabaseOpenError) -> Bool {
        guard dialect == .postgres else { return true }
        do {
            let connection = try await pool.lease()
            defer { pool.release(connection) }
            return connection.standardConformingStrings
        } catch let error as DatabaseOpenError {
            throw error
        } catch {
            throw DatabaseOpenError(target: driver.displayName, message: "\(error)")
        }
    }

    /// Runs one SQL text (one or more statements) on a pooled connection and returns the last result.
    @discardableResult
    public func execute(_ sql: String) async throws(QueryError) -> RowSet {
        let outcome = await gather(Batch([Query(sql)]), options: GatherOptions(jobs: 1))[0]
        return try outcome.get()
    }

    /// Runs `batch` concurrently and returns its outcomes in input order.
    public func gather(_ batch: Batch, options: GatherOptions = GatherOptions()) async -> [QueryOutcome] {
        logger.debug("gather", metadata: ["queries": "\(batch.count)", "jobs": "\(options.jobs)"])
        return await Gatherer(pool: pool, options: options).gather(batch)
    }

    /// Runs `batch` concurrently; its outcomes arrive in input order as each becomes known.
    /// Dropping or cancelling the sequence cancels the batch in the database.
    public func outcomes(_ batch: Batch, options: GatherOptions = GatherOptions()) -> OutcomeStream {
        Gatherer(pool: pool, options: options).outcomes(batch, streamingRowsTo: nil)
    }

    /// `outcomes(_:options:)` where the head query's rows stream to `sink` as they are read (see `Gatherer.outcomes`).
    package func outcomes(_ batch: Batch, options: GatherOptions = GatherOptions(), streamingRowsTo sink: (any RowStreamSink)?) -> OutcomeStream {
        Gatherer(pool: pool, options: options).outcomes(batch, streamingRowsTo: sink)
    }

    /// Runs `body` with one pooled connection of its own, for session work: a `SET`, a
    /// temporary table or a prepared setting carries from one `execute` to the next. The
    /// connection goes back to the pool when `body` returns or throws. Each `execute` is its own
    /// transaction.
    public func withConnection<T: Sendable>(_ body: (Connection) async throws -> T) async throws -> T {
        let connection: any DatabaseConnection
        do {
            connection = try await pool.lease()
        } catch let error as DatabaseOpenError {
            throw error
        } catch {
            throw DatabaseOpenError(target: driver.displayName, message: "\(error)")
        }
        defer { pool.release(connection) }
        return try await body(Connection(base: connection))
    }

    /// Closes every connection. Call once when done; queries still running finish first.
    public func close() async {
        await pool.close()
        if let sqlite = driver as? SQLiteDriver { await sqlite.shutdown() }
    }
}
