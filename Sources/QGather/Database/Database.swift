import CoreMetrics
import Logging
import Tracing

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
    /// The logger given in the configuration, with the database's metadata (`db.system.name`,
    /// `db.namespace`, `qgather.target`).
    public var logger: Logger { pool.instruments.logger }

    /// A database over `driver` with a pool of at most `maxConnections`, reporting to `logger`,
    /// `metrics` and `tracer` (nil: the process's bootstrapped ones, no-ops by default).
    package init(driver: any DatabaseDriver, maxConnections: Int = GatherOptions.defaultJobs, logger: Logger = Database.silentLogger,
                 metrics: (any MetricsFactory)? = nil, tracer: (any Tracer)? = nil) {
        self.driver = driver
        let label = Self.label(of: driver)
        let namespace = driver is PostgresDriver ? String(label.split(separator: "/").last ?? Substring(label)) : label
        let instruments = DatabaseInstruments(logger: logger, metrics: metrics, tracer: tracer,
                                              system: driver.dialect == .postgres ? "postgresql" : "sqlite", namespace: namespace, label: label)
        self.pool = ConnectionPool(driver: driver, maxConnections: maxConnections, instruments: instruments)
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
                        logger: configuration.logger, metrics: configuration.metricsFactory, tracer: configuration.tracer)
    }

    /// The most connections this database's pool opens at once.
    public var maxConnections: Int { pool.maxConnections }

    /// A short name for this database, a fleet's default member label: a SQLite file's name
    /// without its extension (`memory` for `:memory:`), a PostgreSQL server's
    /// `host:port/dbname`. Never a password.
    public var label: String { Self.label(of: driver) }

    private static func label(of driver: any DatabaseDriver) -> String {
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

    /// Runs `query` (one statement, or several separated by `;`) on a pooled connection and
    /// returns the last result.
    @discardableResult
    public func execute(_ query: Query) async throws(QueryError) -> RowSet {
        let outcome = await gather(Batch([query]), options: GatherOptions(jobs: 1))[0]
        return try outcome.get()
    }

    /// Runs `sql` on a pooled connection, its interpolated values bound as parameters (never
    /// spliced), and returns the last result. An error names the caller's file and line.
    ///
    /// ```swift
    /// let rows = try await db.execute("SELECT * FROM orders WHERE id = \(id)")
    /// ```
    @discardableResult
    public func execute(_ sql: SQL, name: String? = nil, file: String = #fileID, line: Int = #line) async throws(QueryError) -> RowSet {
        try await execute(try sql.query(dialect: dialect, name: name, file: file, line: line))
    }

    /// Runs `sql` and decodes every row into `T` by column name (`.convertFromSnakeCase`:
    /// a column `customer_id` fills a property `customerId`).
    public func query<T: Decodable>(_ sql: SQL, as type: T.Type, keys: RowKeyStrategy = .useColumnNames, file: String = #fileID,
                                    line: Int = #line) async throws -> [T] {
        try await execute(sql, file: file, line: line).decode(type, keys: keys)
    }

    /// The rows of `sql` as they are read, on a pooled connection of their own, with bounded
    /// memory (see ``RowSequence``).
    public func rows(_ sql: SQL, file: String = #fileID, line: Int = #line) -> RowSequence {
        let (pool, dialect) = (self.pool, self.dialect)
        return RowSequence(query: { () throws(QueryError) in try sql.query(dialect: dialect, name: nil, file: file, line: line) }) { (query: Query, channel: RowChannel) async throws(QueryError) in
            let connection: any DatabaseConnection
            do {
                connection = try await pool.lease()
            } catch {
                if error is CancellationError || Task.isCancelled { throw QueryError.cancelled(query) }
                let message = (error as? DatabaseOpenError)?.description ?? "\(error)"
                throw QueryError(kind: .connectionLost, code: .connect, message: message, query: query)
            }
            defer { pool.release(connection) }
            _ = try await Connection(base: connection, dialect: dialect, transaction: nil, instruments: pool.instruments, lease: nil).run(query, channel: channel)
        }
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
    public func withConnection<T: Sendable>(isolation: isolated (any Actor)? = #isolation, _ body: (Connection) async throws -> T) async throws -> T {
        let connection = try await leaseForSession()
        let lease = ConnectionLease()
        defer {
            lease.end()
            pool.release(connection)
        }
        return try await body(Connection(base: connection, dialect: dialect, transaction: nil, instruments: pool.instruments, lease: lease))
    }

    /// A connection for `withConnection` or `withTransaction`; `CancellationError` if the task was
    /// cancelled while waiting, else the reason it could not be opened.
    func leaseForSession() async throws -> any DatabaseConnection {
        do {
            return try await pool.lease()
        } catch let error as DatabaseOpenError {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch {
            throw DatabaseOpenError(target: driver.displayName, message: "\(error)")
        }
    }

    /// Closes every connection. Call once when done; queries still running finish first.
    public func close() async {
        await pool.close()
        if let sqlite = driver as? SQLiteDriver { await sqlite.shutdown() }
    }
}
