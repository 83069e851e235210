import Foundation
@testable import QGather
import Testing

/// `:name` placeholders are bound by the drivers, never interpolated.
@Suite struct ParameterTests {
    static let injections = ["'; DROP TABLE customers; --", "1 OR 1=1", "x'); DELETE FROM customers; --", "\\'; DROP TABLE customers; --", "$$; DROP TABLE customers; $$"]

    @Test func placeholdersAreFoundOutsideStringsCommentsAndCasts() {
        let sql = "SELECT :a, ':b', \"c:d\", x::int, :e -- :f\n /* :g */ FROM t WHERE y = :a"
        #expect(SQLPlaceholder.find(in: sql, dialect: .postgres).map(\.name) == ["a", "e", "a"])
        #expect(SQLPlaceholder.names(SQLPlaceholder.find(in: sql, dialect: .sqlite)) == ["a", "e"])
        #expect(SQLPlaceholder.find(in: "SELECT $$ :x $$, :y", dialect: .postgres).map(\.name) == ["y"])
        #expect(SQLPlaceholder.find(in: "SELECT arr[1:2], :z", dialect: .postgres).map(\.name) == ["z"])
    }

    @Test func missingParameterIsRefusedBeforeAnythingRuns() throws {
        let queries = try ScriptSplitter(dialect: .sqlite).split("SELECT 1;\nSELECT :id, :other;\n", file: "r.sql")
        var batch = Batch(queries)
        #expect(throws: ParameterError.self) { try batch.bind(["id": .integer(1)], dialect: .sqlite) }
        do {
            try batch.bind(["id": .integer(1)], dialect: .sqlite)
        } catch {
            #expect(error.description == "r.sql:2: q2: no value for parameter :other (give --param other=VALUE)")
        }
        let unused = try batch.bind(["id": .integer(1), "other": .null, "spare": .text("x")], dialect: .sqlite)
        #expect(unused == ["spare"])
        #expect(batch.queries[1].parameters == ["id": .integer(1), "other": .null])
    }

    @Test func sqliteBindsInjectionStringsAsPlainText() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 2))
        try await db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1, 'Ada')")
        for evil in Self.injections {
            let outcome = await db.gather(Batch([Query("SELECT :v AS v, typeof(:v) AS t, (SELECT count(*) FROM customers WHERE name = :v) AS hits", parameters: ["v": .text(evil)])]))[0]
            let rows = try outcome.get()
            #expect(rows.rows[0] == [.text(evil), .text("text"), .integer(0)])
        }
        let count = try await db.execute("SELECT count(*) FROM customers")
        #expect(count.rows[0][0] == .integer(1))
        await db.close()
    }

    @Test func sqliteBindsEachValueType() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 1))
        let query = Query("SELECT :i, typeof(:i), :r, typeof(:r), :t, :n IS NULL, :b, hex(:blob)",
                          parameters: ["i": .integer(42), "r": .real(2.5), "t": .text(""), "n": .null, "b": .bool(true), "blob": .blob([0xde, 0xad])])
        let rows = try await db.gather(Batch([query]))[0].get()
        #expect(rows.rows[0] == [.integer(42), .text("integer"), .real(2.5), .text("real"), .text(""), .integer(1), .integer(1), .text("DEAD")])
        await db.close()
    }

    @Test func postgresBindsInjectionStringsAsPlainTextWithTheTypeTheContextExpects() async throws {
        let db = try Database.postgres(try TestDatabases.postgresConninfo(), configuration: .init(maxConnections: 2))
        let table = TestDatabases.uniqueTable("qgt_customers")
        try await db.execute("CREATE TABLE \(unsafeRaw: table) (id int PRIMARY KEY, name text, balance numeric)")
        try await db.execute("INSERT INTO \(unsafeRaw: table) VALUES (1, 'Ada', 10.50)")
        for evil in Self.injections {
            let outcome = await db.gather(Batch([Query("SELECT :v::text AS v, (SELECT count(*) FROM \(table) WHERE name = :v) AS hits", parameters: ["v": .text(evil)])]))[0]
            #expect(try outcome.get().rows[0] == [.text(evil), .integer(0)])
        }
        let typed = try await db.gather(Batch([Query("SELECT id + :n AS id, balance * :d AS b, :nothing::int IS NULL AS isnull FROM \(table) WHERE id = :n",
                                                     parameters: ["n": .text("1"), "d": .text("2.25"), "nothing": .null])]))[0].get()
        #expect(typed.rows[0] == [.integer(2), .decimal("23.6250"), .bool(true)])
        let count = try await db.execute("SELECT count(*) FROM \(unsafeRaw: table)")
        #expect(count.rows[0][0] == .integer(1))
        try await db.execute("DROP TABLE \(unsafeRaw: table)")
        await db.close()
    }
}
