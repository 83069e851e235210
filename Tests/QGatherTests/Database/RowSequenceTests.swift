import Foundation
@testable import QGather
import Testing

/// `rows(_:)` streams a query's rows as an `AsyncSequence`, in order, and stops it in the
/// database when the loop is left or the task cancelled.
@Suite struct RowSequenceTests {
    static let counting = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < :n) SELECT x, 'row ' || x AS label FROM c"

    @Test func everyRowArrivesInOrderOnBothEngines() async throws {
        let n = 50_000
        let lite = Database.sqlite(":memory:", configuration: .init(maxConnections: 1))
        let pg = try Database.postgres(try TestDatabases.postgresConninfo(), configuration: .init(maxConnections: 1))
        let cases: [(Database, SQL)] = [(lite, SQL(sql: Self.counting, parameters: ["n": .integer(Int64(n))])),
                                        (pg, "SELECT x, 'row ' || x AS label FROM generate_series(1, \(n)) AS x")]
        for (db, sql) in cases {
            var expected = 1
            for try await row in db.rows(sql) {
                #expect(row.values[0] == .integer(Int64(expected)))
                #expect(row["label"] == .text("row \(expected)"))
                expected += 1
            }
            #expect(expected == n + 1)
            #expect(db.pool.idleConnections == 1)
            await db.close()
        }
    }

    @Test func rowsDecodeIntoDecodableValuesAsTheyArrive() async throws {
        struct Item: Decodable, Sendable, Equatable { var x: Int; var label: String }
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 1))
        var items: [Item] = []
        for try await item in db.rows(SQL(sql: Self.counting, parameters: ["n": 3])).decode(Item.self) { items.append(item) }
        #expect(items == [Item(x: 1, label: "row 1"), Item(x: 2, label: "row 2"), Item(x: 3, label: "row 3")])
        await db.close()
    }

    @Test func anErrorComesAfterTheRowsReadBeforeIt() async throws {
        let db = try Database.postgres(try TestDatabases.postgresConninfo(), configuration: .init(maxConnections: 1))
        var seen = 0
        let error = await #expect(throws: QueryError.self) {
            for try await _ in db.rows("SELECT 1 / (5000 - x) FROM generate_series(1, 10000) AS x") { seen += 1 }
        }
        #expect(error?.code == "22012")
        #expect(seen > 0 && seen < 5000)
        await db.close()
    }

    @Test func leavingTheLoopEarlyStopsTheQueryInPostgres() async throws {
        let app = "qgt_rows_\(UInt32.random(in: 0...UInt32.max))"
        let db = try Database.postgres(try TestDatabases.postgresConninfo() + " application_name=\(app)", configuration: .init(maxConnections: 1))
        var seen = 0
        // pg_sleep every 1,000 rows: without a cancel the query would run for 100 s.
        for try await _ in db.rows("SELECT x, CASE WHEN x % 1000 = 0 THEN pg_sleep(0.1) END FROM generate_series(1, 1000000) AS x") {
            seen += 1
            if seen == 10 { break }
        }
        #expect(seen == 10)
        var active: Int64 = 1
        for _ in 0..<50 where active != 0 {
            try await Task.sleep(for: .milliseconds(100))
            active = try await TestDatabases.activeQueries(applicationName: app)
        }
        #expect(active == 0)
        // The connection came back usable: the next query runs on it.
        #expect(try await db.execute("SELECT 7").value(Int.self, row: 0, column: 0) == 7)
        await db.close()
    }

    @Test func cancellingTheTaskStopsAnEndlessSQLiteQuery() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 1))
        let seen = Task {
            var seen = 0
            for try await _ in db.rows("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c") { seen += 1 }
            return seen
        }
        try await Task.sleep(for: .milliseconds(300))
        seen.cancel()
        let result = await seen.result
        let error = #expect(throws: QueryError.self) { try result.get() }
        #expect(error?.kind == .cancelled)
        #expect(try await db.execute("SELECT 1").value(Int.self, row: 0, column: 0) == 1)
        await db.close()
    }

    @Test func rowsInsideATransactionSeeItsWrites() async throws {
        let db = try Database.postgres(try TestDatabases.postgresConninfo(), configuration: .init(maxConnections: 1))
        let total = try await db.withTransaction { tx in
            try await tx.execute("CREATE TEMPORARY TABLE seen (n int) ON COMMIT DROP")
            try await tx.execute("INSERT INTO seen SELECT generate_series(1, \(2000))")
            var total = 0
            for try await row in tx.rows("SELECT n FROM seen") { total += try row.value(Int.self, column: "n") }
            return total
        }
        #expect(total == 2000 * 2001 / 2)
        await db.close()
    }
}
