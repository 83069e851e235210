import Foundation
@testable import QGather
import Testing

/// `SQL` interpolation binds values as parameters on both engines, never splicing them.
@Suite struct SQLInterpolationTests {
    static func engines() throws -> [Database] {
        [Database.sqlite(":memory:", configuration: .init(maxConnections: 1)),
         try Database.postgres(try TestDatabases.postgresConninfo(), configuration: .init(maxConnections: 1))]
    }

    @Test func interpolatedValuesAreBoundNotSpliced() async throws {
        let hostile = "O'Brien'; DROP TABLE users; --"
        let id = 41
        let missing: String? = nil
        for db in try Self.engines() {
            let row = try await db.execute("SELECT \(id) + 1 AS n, \(hostile) AS s, COALESCE(\(missing), 'none') AS absent").rows[0]
            #expect(row[0] == .integer(42))
            #expect(row[1] == .text(hostile))
            #expect(row[2] == .text("none"))
            await db.close()
        }
    }

    @Test func theTextShowsPlaceholdersNeverValues() {
        let secret = "hunter2"
        let sql: SQL = "SELECT * FROM t WHERE a = \(secret) AND b = \(7)"
        #expect(sql.description == "SELECT * FROM t WHERE a = :_p1 AND b = :_p2")
        #expect(!sql.description.contains(secret))
    }

    @Test func fragmentsIdentifiersAndRawTextCompose() async throws {
        let minimum = 2
        let filter: SQL = "WHERE n >= \(minimum)"
        let order = "DESC"
        for db in try Self.engines() {
            try await db.withConnection { connection in
                try await connection.execute(#"CREATE TEMPORARY TABLE "odd ""name"" t" (n int)"#)
                try await connection.execute("INSERT INTO \(identifier: #"odd "name" t"#) VALUES (1), (2), (3)")
                let rows = try await connection.execute("SELECT n FROM \(identifier: #"odd "name" t"#) \(filter) ORDER BY n \(unsafeRaw: order)")
                #expect(rows.rows == [[.integer(3)], [.integer(2)]])
                let joined = try await connection.execute("SELECT count(*) AS c FROM \(identifier: #"odd "name" t"#) " + filter)
                #expect(try joined.value(Int.self, row: 0, column: "c") == 2)
            }
            await db.close()
        }
    }

    @Test func aValueInsideQuotesIsAnErrorNamingTheCallerLine() async throws {
        let name = "x"
        for db in try Self.engines() {
            let line = #line + 1  // inside #expect, #line is the macro's first line
            let error = await #expect(throws: QueryError.self) {
                try await db.execute("SELECT '\(name)' AS quoted")
            }
            #expect(error?.code == .parameter)
            #expect(error?.description.hasPrefix("QGatherTests/SQLInterpolationTests.swift:\(line): query: interpolated value 1 is inside a quoted string") == true)
            await db.close()
        }
    }

    @Test func valueLiteralsBindNamedParameters() async throws {
        for db in try Self.engines() {
            let query = Query("SELECT :since AS since, :limit + 1 AS next, :flag AS flag", parameters: ["since": "2024-07-01", "limit": 10, "flag": true])
            let row = try await db.execute(query)
            #expect(try row.value(String.self, row: 0, column: "since") == "2024-07-01")
            #expect(try row.value(Int.self, row: 0, column: "next") == 11)
            #expect(try row.value(Bool.self, row: 0, column: "flag") == true)
            await db.close()
        }
    }

    @Test func datesDecimalsAndBytesRoundTrip() async throws {
        let instant = Date(timeIntervalSince1970: 1_719_826_200.25)  // 2024-07-01 09:30:00.250 UTC
        let amount = Decimal(string: "12345678901234567890.125")!
        let bytes: [UInt8] = [0, 255, 7]
        let pg = try Database.postgres(try TestDatabases.postgresConninfo(), configuration: .init(maxConnections: 1))
        let row = try await pg.execute("SELECT \(instant)::timestamptz = '2024-07-01 09:30:00.25+00' AS same, \(amount)::numeric AS amount, \(bytes)::bytea AS b")
        #expect(try row.value(Bool.self, row: 0, column: "same") == true)
        #expect(try row.value(Decimal.self, row: 0, column: "amount") == amount)
        #expect(try row.value([UInt8].self, row: 0, column: "b") == bytes)
        await pg.close()
        let lite = Database.sqlite(":memory:")
        let day = try await lite.execute("SELECT date(\(instant)) AS d, \(bytes) AS b")
        #expect(try day.value(String.self, row: 0, column: "d") == "2024-07-01")
        #expect(try day.value([UInt8].self, row: 0, column: "b") == bytes)
        await lite.close()
    }

    @Test func decodedQueriesFillDecodableTypes() async throws {
        struct Line: Decodable, Equatable { var customerId: Int; var total: Double }
        for db in try Self.engines() {
            let lines = try await db.query("SELECT \(1) AS customer_id, 2.5 AS total UNION ALL SELECT \(2), 4.0", as: Line.self, keys: .convertFromSnakeCase)
            #expect(lines == [Line(customerId: 1, total: 2.5), Line(customerId: 2, total: 4)])
            await db.close()
        }
    }
}

/// Values that are easy to get wrong when bound.
@Suite struct SQLValueEdgeTests {
    @Test func datesKeepTheirMillisecondAndEra() {
        #expect(Date(timeIntervalSince1970: 1_719_826_200.123).databaseValue == .text("2024-07-01 09:30:00.123+00:00"))
        #expect(Date(timeIntervalSince1970: -0.001).databaseValue == .text("1969-12-31 23:59:59.999+00:00"))
        // 15 March 44 BC (proleptic Gregorian: astronomical year -43), the epoch PostgreSQL gives for it.
        #expect(Date(timeIntervalSince1970: -63_517_824_000).databaseValue == .text("0044-03-15 00:00:00.000+00:00 BC"))
        #expect(Date.distantFuture.databaseValue == .text("4001-01-01 00:00:00.000+00:00"))
        #expect(Date(timeIntervalSince1970: .infinity).databaseValue == .text("infinity"))
        #expect(Date(timeIntervalSince1970: .nan).databaseValue == .null)
    }

    @Test func aNulCharacterIsRefusedOnPostgresRatherThanCut() async throws {
        let db = try Database.postgres(try TestDatabases.postgresConninfo(), configuration: .init(maxConnections: 1))
        let error = await #expect(throws: QueryError.self) { try await db.execute("SELECT \("admin\u{0}x") AS v") }
        #expect(error?.code == "22021")
        await db.close()
    }

    @Test func aCallersOwnUnderscorePNameKeepsItsValue() async throws {
        let db = Database.sqlite(":memory:")
        let sql = SQL(sql: "SELECT :_p1 AS mine, ", parameters: ["_p1": "theirs"]) + "\(7) AS first, \(8) AS second"
        let row = try await db.execute(sql)
        #expect(row.rows == [[.text("theirs"), .integer(7), .integer(8)]])
        await db.close()
    }
}
