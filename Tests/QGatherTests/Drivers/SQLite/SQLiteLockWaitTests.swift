import Foundation
import QGather
import Testing

/// A new database file holding `CREATE TABLE t(x)`; returns its path.
private func lockTestDatabase() async throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("qgather-lock-\(UUID().uuidString).db").path
    let db = Database.sqlite(path, configuration: .init(maxConnections: 1, createIfMissing: true))
    try await db.execute("CREATE TABLE t(x)")
    await db.close()
    return path
}

/// Waiting for another connection's lock: bounded by the busy timeout, and ended at once by an
/// interrupt (SQLite's own busy timeout ignores `sqlite3_interrupt`).
@Suite(.serialized, .timeLimit(.minutes(1)))
struct SQLiteLockWaitTests {
    @Test func timeoutEndsAWaitForALockPromptly() async throws {
        let path = try await lockTestDatabase()
        defer { for suffix in ["", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let holder = Database.sqlite(path, configuration: .init(maxConnections: 1))
        let writer = try await holder.pool.lease()
        _ = try await writer.execute(Query("BEGIN IMMEDIATE"), control: QueryControl())  // stays open: SQLite keeps it between queries

        let db = Database.sqlite(path, configuration: .init(maxConnections: 1))
        let clock = ContinuousClock()
        let started = clock.now
        let outcomes = await db.gather(Batch(sql: ["INSERT INTO t VALUES (1)"]), options: GatherOptions(jobs: 1, timeout: .milliseconds(200)))
        let elapsed = clock.now - started
        #expect(outcomes[0].error?.kind == .timedOut, "\(String(describing: outcomes[0].error))")
        // The busy timeout alone would wait 5 s; under a loaded parallel test run the interrupted
        // wait can take a second or two to come back, so the bound keeps well clear of both.
        #expect(elapsed < .seconds(4), "the wait for the lock took \(elapsed) despite a 200 ms timeout")

        // The connection serves the next query normally once the lock is free.
        _ = try await writer.execute(Query("ROLLBACK"), control: QueryControl())
        holder.pool.release(writer)
        let after = await db.gather(Batch(sql: ["INSERT INTO t VALUES (2)", "SELECT count(*) FROM t"]), options: GatherOptions(jobs: 1))
        #expect(after.map(\.status) == [.ok, .ok])
        #expect(after[1].rowSet?.rows == [[.integer(1)]])
        await db.close()
        await holder.close()
    }

    @Test func busyTimeoutStillBoundsTheWait() async throws {
        let path = try await lockTestDatabase()
        defer { for suffix in ["", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let holder = Database.sqlite(path, configuration: .init(maxConnections: 1))
        let writer = try await holder.pool.lease()
        _ = try await writer.execute(Query("BEGIN IMMEDIATE"), control: QueryControl())

        let db = Database.sqlite(path, configuration: .init(maxConnections: 1, busyTimeout: .milliseconds(300)))
        let clock = ContinuousClock()
        let started = clock.now
        let outcomes = await db.gather(Batch(sql: ["INSERT INTO t VALUES (1)"]))
        let elapsed = clock.now - started
        #expect(outcomes[0].error?.code == "SQLITE_BUSY")
        #expect(outcomes[0].error?.message == "database is locked")
        #expect(elapsed >= .milliseconds(250) && elapsed < .seconds(3), "waited \(elapsed) with a 300 ms busy timeout")
        _ = try await writer.execute(Query("ROLLBACK"), control: QueryControl())
        holder.pool.release(writer)
        await db.close()
        await holder.close()
    }

    @Test func executeInTransactionKeepsAllOrNothing() async throws {
        let path = try await lockTestDatabase()
        defer { for suffix in ["", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let db = Database.sqlite(path, configuration: .init(maxConnections: 1))
        let connection = try await db.pool.lease()
        await #expect(throws: QueryError.self) {
            try await connection.executeInTransaction([Query("INSERT INTO t VALUES (1)"), Query("CREATE TABLE u(y)"), Query("INSERT INTO nope VALUES (2)")])
        }
        let rows = try await connection.executeInTransaction([Query("INSERT INTO t VALUES (3)"), Query("SELECT group_concat(x) FROM t")])
        #expect(rows.last?.rows == [[.text("3")]])
        let tables = try await connection.execute(Query("SELECT count(*) FROM sqlite_schema WHERE name = 'u'"), control: QueryControl())
        #expect(tables.rows == [[.integer(0)]])
        db.pool.release(connection)
        await db.close()
    }
}
