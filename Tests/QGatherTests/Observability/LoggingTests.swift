import Foundation
import Logging
@testable import QGather
import Testing

/// The `Logger` a caller passes in hears every layer: connections, waits, queries, retries,
/// cancels, with structured metadata and never a password or a bound value.
@Suite struct LoggingTests {
    @Test func queriesAndConnectionsAreLoggedWithMetadata() async throws {
        let log = LogRecorder()
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 1, logger: log.logger()))
        let batch = Batch(try ScriptSplitter(dialect: .sqlite).split("-- name: fine\nSELECT 1 AS a;\n-- name: broken\nSELECT * FROM nope;", file: "report.sql"))
        _ = await db.gather(batch, options: GatherOptions(jobs: 2, policy: .collect))
        await db.close()

        let opened = try #require(log.entries("connection opened").first)
        #expect(opened.level == .debug)
        #expect(opened.metadata["qgather.target"] == "memory")
        #expect(opened.metadata["db.system.name"] == "sqlite")
        #expect(opened.metadata["duration_ms"] != nil)
        let finished = log.entries("query finished")
        #expect(finished.map { $0.metadata["query"] } == ["fine", "broken"])
        #expect(finished[0].metadata["status"] == "ok")
        #expect(finished[0].metadata["rows"] == "1")
        #expect(finished[0].metadata["line"] == "report.sql:2")
        #expect(finished[1].metadata["status"] == "error")
        #expect(finished[1].metadata["error.type"] == "SQLITE_ERROR")
        #expect(log.entries("query sql").map { $0.level } == [.trace, .trace])
        #expect(log.entries("query sql").first?.metadata["sql"] == "SELECT 1 AS a")
        // One connection for two jobs: the second query waited for it.
        #expect(!log.entries("waited for a connection").isEmpty)
        #expect(log.entries("connection closed").count == 1)
    }

    @Test func debugLevelLeavesTheSQLOut() async throws {
        let log = LogRecorder()
        let db = Database.sqlite(":memory:", configuration: .init(logger: log.logger(level: .debug)))
        try await db.execute("SELECT \("a bound value") AS v")
        await db.close()
        #expect(log.entries("query finished").count == 1)
        #expect(log.entries("query sql").isEmpty)
        #expect(!log.all.contains { $0.allText.contains("a bound value") })
    }

    @Test func aDatabaseMessageQuotingABoundValueStaysAtTraceLevel() async throws {
        let log = LogRecorder()
        let db = try Database.postgres(try TestDatabases.postgresConninfo(), configuration: .init(maxConnections: 1, logger: log.logger(level: .debug)))
        await #expect(throws: QueryError.self) { try await db.execute("SELECT \("hunter2")::int") }
        await db.close()
        #expect(log.entries("query finished").first?.metadata["error.type"] == "22P02")
        #expect(!log.all.contains { $0.allText.contains("hunter2") })
    }

    @Test func failFastCancelsAndRetriesAreLogged() async throws {
        let log = LogRecorder()
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 2, logger: log.logger()))
        _ = await db.gather(Batch(sql: ["SELECT * FROM nope", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"]),
                            options: GatherOptions(jobs: 2))
        await db.close()
        #expect(log.entries("fail-fast: cancelling the rest of the batch").first?.metadata["query"] == "q1")
        #expect(log.entries("query finished").contains { $0.metadata["status"] == "cancelled" })

        let (path, cleanup) = try await TestDatabases.sqliteFile(wal: false, setup: "CREATE TABLE t (x INTEGER)")
        defer { cleanup() }
        let locker = Database(driver: SQLiteDriver(path: path).sessionDriver(.serial, setup: []), maxConnections: 1)
        try await locker.execute("BEGIN EXCLUSIVE")
        let retrying = LogRecorder()
        let reader = Database.sqlite(path, configuration: .init(maxConnections: 1, busyTimeout: .milliseconds(50), logger: retrying.logger()))
        let release = Task {
            try await Task.sleep(for: .milliseconds(300))
            try await locker.execute("COMMIT")
        }
        let outcome = await reader.gather(Batch(sql: ["SELECT count(*) FROM t"]), options: GatherOptions(retries: 8))[0]
        try await release.value
        #expect(outcome.status == .ok)
        let retry = try #require(retrying.entries("retrying query").first)
        #expect(retry.level == .info)
        // The lock holds back the connection's setup or the query itself: both are transient.
        #expect(["connect", "SQLITE_BUSY"].contains(retry.metadata["error.type"]))
        #expect(retry.metadata["query"] == "q1")
        #expect(retry.metadata["attempt"] == "2")
        await locker.close()
        await reader.close()
    }

    @Test func aPasswordNeverReachesTheLog() async throws {
        let log = LogRecorder()
        let conninfo = try TestDatabases.postgresConninfo()
        let db = try Database.postgres(conninfo + " password=sekrit-pw-123", configuration: .init(maxConnections: 1, logger: log.logger()))
        _ = try await db.execute("SELECT 1")
        await db.close()
        #expect(!log.entries("connection opened").isEmpty)
        // A refused connection: the warning says why, without the password.
        let dead = try Database.postgres("host=127.0.0.1 port=1 user=x dbname=shop password=sekrit-pw-123 connect_timeout=2",
                                         configuration: .init(maxConnections: 1, logger: log.logger()))
        _ = try? await dead.execute("SELECT 1")  // fails: nothing listens on port 1; the log is what is checked
        await dead.close()
        let failed = try #require(log.entries("connection failed").first)
        #expect(failed.level == .warning)
        #expect(failed.metadata["qgather.target"] == "127.0.0.1:1/shop")
        #expect(!log.all.contains { $0.allText.contains("sekrit-pw-123") })
    }
}
