import Synchronization

/// `--snapshot`: every query of a batch sees the same committed state of the database, though
/// they run on several connections at once.
enum SnapshotSession {
    /// PostgreSQL: a leader exports its snapshot (`pg_export_snapshot()`) from a repeatable-read,
    /// read-only transaction and stays open for the whole batch; every worker begins the same kind
    /// of transaction and imports the snapshot (`SET TRANSACTION SNAPSHOT`) as its first statement.
    static func postgres(_ driver: any DatabaseDriver, workers: Int, instruments: DatabaseInstruments) async throws(QueryError) -> QuerySession {
        let begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
        let leader = try await connect(driver.sessionDriver(.snapshot, setup: [begin]))
        let exported: RowSet
        do {
            exported = try await leader.execute(Query("SELECT pg_export_snapshot()", name: "snapshot"), control: QueryControl())
        } catch {
            await leader.close()
            throw error
        }
        guard case .text(let id) = exported.rows.first?.first else {
            await leader.close()
            throw snapshotError("the server returned no snapshot id")
        }
        let pool = ConnectionPool(driver: driver.sessionDriver(.snapshot, setup: [begin, "SET TRANSACTION SNAPSHOT '\(id)'"]), maxConnections: workers,
                                  instruments: instruments)
        return QuerySession(pool: pool, finish: {
            await pool.close()
            await leader.close()
        })
    }

    /// SQLite (no snapshot API in this build): in WAL mode a leader takes the write lock
    /// (`BEGIN IMMEDIATE`) so nothing can commit while every worker opens its read transaction with
    /// a first read; then the leader lets go. Workers cannot be added afterwards, so a worker lost
    /// to an error is not replaced (its later queries fail instead of seeing newer data).
    static func sqlite(_ driver: any DatabaseDriver, workers: Int, instruments: DatabaseInstruments) async throws(QueryError) -> QuerySession {
        let probe = try await connect(driver)
        let mode: RowSet
        do {
            mode = try await probe.execute(Query("PRAGMA journal_mode", name: "snapshot"), control: QueryControl())
        } catch {
            await probe.close()
            throw error
        }
        await probe.close()
        guard case .text(let journalMode) = mode.rows.first?.first, journalMode.lowercased() == "wal" else {
            let current = mode.rows.first?.first.flatMap { ValueText.render($0, reals: .sqlite) } ?? "unknown"
            throw snapshotError("--snapshot on SQLite needs a database in WAL mode; this one uses journal_mode=\(current) "
                + "(qgather never changes it for you: run PRAGMA journal_mode=WAL once, or run without --snapshot)")
        }
        let leader: any DatabaseConnection
        do {
            leader = try await driver.sessionDriver(.serial, setup: ["BEGIN IMMEDIATE"]).connect()
        } catch {
            let timeout = (driver as? SQLiteDriver).map { "\($0.options.busyTimeoutMilliseconds) ms" } ?? "the busy timeout"
            throw error.message.contains("locked")
                ? snapshotError("--snapshot holds the write lock for a moment while its connections open, and another connection "
                    + "kept it past the busy timeout (\(timeout)): database is locked")
                : QueryError(kind: .connectionLost, code: .connect, message: error.description)
        }
        let sealable = SealableDriver(driver.sessionDriver(.snapshot, setup: ["BEGIN", "SELECT count(*) FROM sqlite_schema"]))
        let pool = ConnectionPool(driver: sealable, maxConnections: workers, instruments: instruments)
        var opened: [any DatabaseConnection] = []
        do {
            for _ in 0..<workers { opened.append(try await pool.lease()) }
        } catch {
            opened.forEach(pool.release)
            await pool.close()
            await leader.close()
            throw snapshotError("could not open the snapshot's connections: \(error)")
        }
        opened.forEach(pool.release)
        sealable.seal()
        await leader.close()  // releases the write lock: the workers' read transactions already pin the state
        return QuerySession(pool: pool, finish: { await pool.close() })
    }

    private static func connect(_ driver: any DatabaseDriver) async throws(QueryError) -> any DatabaseConnection {
        do {
            return try await driver.connect()
        } catch {
            throw QueryError(kind: .connectionLost, code: .connect, message: error.description)
        }
    }

    private static func snapshotError(_ message: String) -> QueryError {
        QueryError(kind: .database, code: .snapshot, message: message)
    }
}
