import Foundation
@testable import QGather
import Testing

/// The libpq driver against the test server (`QGATHER_TEST_PG`, set by ./Scripts/test).
@Suite struct PostgresDriverTests {
    static func conninfo(_ extra: String = "") throws -> String {
        let base = try #require(ProcessInfo.processInfo.environment["QGATHER_TEST_PG"],
                                "QGATHER_TEST_PG is not set: run the tests with ./Scripts/test, which starts a throwaway PostgreSQL")
        return base + " " + extra
    }

    @Test func aCancelledQueryNeverCancelsTheNextQueriesOnTheSameConnection() async throws {
        let db = try Database.postgres(try Self.conninfo(), configuration: .init(maxConnections: 1))
        for _ in 0..<5 {
            let timedOut = await db.gather(Batch(sql: ["SELECT pg_sleep(10)"]), options: GatherOptions(jobs: 1, timeout: .milliseconds(100)))
            #expect(timedOut[0].error?.kind == .timedOut)
        }
        let outcomes = await db.gather(Batch(sql: (0..<100).map { "SELECT \($0) AS n, pg_sleep(0.001)" }), options: GatherOptions(jobs: 1))
        #expect(outcomes.allSatisfy { $0.status == .ok })
        #expect(outcomes.map { $0.rowSet?.rows.first?.first } == (0..<100).map { Value.integer(Int64($0)) })
        #expect(db.pool.peakOpenConnections == 1)
        await db.close()
    }

    @Test func cancellingTheGatheringTaskCancelsOnTheServer() async throws {
        let app = "qgt_cancel_\(UInt32.random(in: 0...UInt32.max))"
        let db = try Database.postgres(try Self.conninfo("application_name=\(app)"), configuration: .init(maxConnections: 4))
        let watcher = try Database.postgres(try Self.conninfo(), configuration: .init(maxConnections: 1))
        let task = Task { await db.gather(Batch(sql: Array(repeating: "SELECT pg_sleep(30)", count: 4)), options: GatherOptions(jobs: 4)) }
        var activeBefore = Value.null
        for _ in 0..<100 where activeBefore != .integer(4) {  // the 4 connections open in parallel; allow for a loaded machine
            try await Task.sleep(for: .milliseconds(100))
            activeBefore = try await watcher.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = '\(unsafeRaw: app)' AND state = 'active'").rows[0][0]
        }
        #expect(activeBefore == .integer(4))
        let clock = ContinuousClock()
        let start = clock.now
        task.cancel()
        let outcomes = await task.value
        #expect(clock.now - start < .seconds(5))
        #expect(outcomes.allSatisfy { $0.status == .cancelled })
        let activeAfter = try await watcher.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = '\(unsafeRaw: app)' AND state = 'active'")
        #expect(activeAfter.rows[0][0] == .integer(0))
        await db.close()
        await watcher.close()
    }

    @Test func numericKeepsEveryDigitAndTypesDecode() async throws {
        let db = try Database.postgres(try Self.conninfo(), configuration: .init(maxConnections: 1))
        let rows = try await db.execute("""
            SELECT 12345678901234567890.123456789::numeric AS n, 42::int8 AS i, 0.5::float8 AS f, true AS b,
                   '\\x0aff'::bytea AS by, '{"a":1}'::jsonb AS j, NULL::text AS nothing, ''::text AS empty, now()::date AS d
            """)
        #expect(rows.rows[0] == [.decimal("12345678901234567890.123456789"), .integer(42), .real(0.5), .bool(true),
                                 .blob([0x0a, 0xff]), .json("{\"a\": 1}"), .null, .text(""), rows.rows[0][8]])
        #expect(rows.columns.map(\.type) == ["numeric", "int8", "float8", "bool", "bytea", "jsonb", "text", "text", "date"])
        guard case .text = rows.rows[0][8] else { Issue.record("date should keep the server's text"); return }
        await db.close()
    }

    @Test func errorsCarryServerFields() async throws {
        let db = try Database.postgres(try Self.conninfo(), configuration: .init(maxConnections: 1))
        let query = Query("SELECT 1,\n  missing_column", name: "typo", file: "x.sql", line: 10)
        let outcome = await db.gather(Batch([query]))[0]
        let error = try #require(outcome.error)
        #expect(error.code == "42703")
        #expect(error.severity == "ERROR")
        #expect(error.line == 11 && error.column == 3)
        #expect(error.description == "x.sql:11:3: typo: column \"missing_column\" does not exist")
        await db.close()
    }

    @Test func dmlReportsRowsAffectedAndFailedTransactionsAreRolledBack() async throws {
        let db = try Database.postgres(try Self.conninfo(), configuration: .init(maxConnections: 1))
        let table = "qgt_dml_\(UInt32.random(in: 0...UInt32.max))"
        try await db.execute("CREATE TABLE \(unsafeRaw: table) (x int)")
        let inserted = try await db.execute("INSERT INTO \(unsafeRaw: table) SELECT generate_series(1, 5)")
        #expect(inserted.rowsAffected == 5)
        let failed = await db.gather(Batch(sql: ["BEGIN; INSERT INTO \(table) VALUES (6); SELECT 1/0"]))
        #expect(failed[0].error?.code == "22012")
        let count = try await db.execute("SELECT count(*) FROM \(unsafeRaw: table)")
        #expect(count.rows[0][0] == .integer(5))
        try await db.execute("DROP TABLE \(unsafeRaw: table)")
        await db.close()
    }

    @Test func badConninfoIsRejectedBeforeConnecting() throws {
        #expect(throws: DatabaseOpenError.self) { try Database.postgres("host=x not_a_keyword=1") }
    }

    @Test func passwordIsNotPartOfTheDisplayName() throws {
        let db = try Database.postgres("postgresql://bob:hunter2@db.example:6543/shop")
        #expect(db.driver.displayName == "postgresql host=db.example port=6543 dbname=shop user=bob")
    }
}

/// Transactions that span several statements on one PostgreSQL connection (what migrations use).
@Suite struct PostgresTransactionTests {
    @Test func executeInTransactionIsAllOrNothing() async throws {
        let db = try Database.postgres(try PostgresDriverTests.conninfo(), configuration: .init(maxConnections: 1))
        let table = "qgt_tx_\(UInt32.random(in: 0...UInt32.max))"
        let connection = try await db.pool.lease()
        do {
            _ = try await connection.executeInTransaction([Query("CREATE TABLE \(table) (x int)"), Query("INSERT INTO \(table) VALUES (1)"),
                                                           Query("SELECT 1/0", name: "boom")])
            Issue.record("expected the division by zero to fail the transaction")
        } catch {
            #expect(error.query?.name == "boom")
            #expect(error.code == "22012")
        }
        let exists = try await connection.execute(Query("SELECT to_regclass('\(table)') IS NULL"), control: QueryControl())
        #expect(exists.rows == [[.bool(true)]])
        let rows = try await connection.executeInTransaction([Query("CREATE TABLE \(table) (x int)"), Query("INSERT INTO \(table) VALUES (7)"),
                                                              Query("SELECT x FROM \(table)")])
        #expect(rows.last?.rows == [[.integer(7)]])
        _ = try await connection.execute(Query("DROP TABLE \(table)"), control: QueryControl())
        db.pool.release(connection)
        await db.close()
    }

    @Test func passwordInAnUnparsableConninfoIsMasked() {
        for conninfo in ["postgresql://bob:Secret1@[::1", "postgresql://bob:Sec%zzret2@host/db", "host=x password=Secret3 'unterminated",
                         "postgresql://host/db?password=Secret4&bogus=1"] {
            do {
                _ = try Database.postgres(conninfo)
                Issue.record("\(conninfo) parsed")
            } catch {
                #expect(!error.description.contains("Secret"), "\(error.description)")
                #expect(error.description.contains("bad connection string"))
            }
        }
    }
}
