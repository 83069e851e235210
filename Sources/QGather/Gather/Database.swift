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
    public let driver: any DatabaseDriver
    /// Holds and hands out connections.
    public let pool: ConnectionPool
    /// Logs connection and query events at debug level.
    public let logger: Logger

    /// Creates a database over `driver` with a pool of at most `maxConnections`.
    public init(driver: any DatabaseDriver, maxConnections: Int = GatherOptions.defaultJobs, logger: Logger = Logger(label: "qgather", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.driver = driver
        self.pool = ConnectionPool(driver: driver, maxConnections: maxConnections)
        self.logger = logger
    }

    /// A SQLite database: a file path, `:memory:` (one in-memory database shared by every
    /// pooled connection) or a `file:` URI. Nothing is opened until first use or `validate()`.
    public static func sqlite(_ path: String, options: SQLiteDriver.Options = .init(), maxConnections: Int = GatherOptions.defaultJobs,
                              logger: Logger = Logger(label: "qgather", factory: { _ in SwiftLogNoOpLogHandler() })) -> Database {
        Database(driver: SQLiteDriver(path: path, options: options), maxConnections: maxConnections, logger: logger)
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
    /// With a `sink`, the head query's rows stream to it as they are read (see `Gatherer.outcomes`).
    public func outcomes(_ batch: Batch, options: GatherOptions = GatherOptions(), streamingRowsTo sink: (any RowStreamSink)? = nil) -> OutcomeStream {
        Gatherer(pool: pool, options: options).outcomes(batch, streamingRowsTo: sink)
    }

    /// Closes every connection. Call once when done; queries still running finish first.
    public func close() async {
        await pool.close()
        if let sqlite = driver as? SQLiteDriver { await sqlite.shutdown() }
    }
}
