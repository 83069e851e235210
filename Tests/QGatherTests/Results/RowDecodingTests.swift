import Foundation
@testable import QGather
import Testing

/// Decoding rows into Swift values and `Decodable` structs.
@Suite struct RowDecodingTests {
    struct Order: Decodable, Equatable {
        let orderId: Int
        let customerName: String
        let total: Decimal
        let ratio: Double
        let shipped: Bool
        let placedAt: Date
        let note: String?
        let token: UUID
        let payload: Data
    }

    static let rows = RowSet(
        columns: ["order_id", "customer_name", "total", "ratio", "shipped", "placed_at", "note", "token", "payload"].map { Column(name: $0, type: "") },
        rows: [[.integer(7), .text("Ada"), .decimal("12345678901234567890.125"), .real(0.5), .bool(true), .text("2024-02-29 13:45:01.5+00"),
                .null, .text("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"), .blob([1, 2])]],
        realRendering: .postgres)

    @Test func decodableStructsFillFromSnakeCaseColumns() throws {
        let orders = try Self.rows.decode(Order.self, keys: .convertFromSnakeCase)
        #expect(orders.count == 1)
        let order = try #require(orders.first)
        #expect(order.orderId == 7 && order.customerName == "Ada" && order.shipped && order.note == nil && order.ratio == 0.5)
        #expect(order.total == Decimal(string: "12345678901234567890.125", locale: Locale(identifier: "en_US_POSIX")))
        #expect(order.placedAt == Date(timeIntervalSince1970: 1_709_214_301.5))
        #expect(order.token == UUID(uuidString: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"))
        #expect(order.payload == Data([1, 2]))
    }

    @Test func aValueThatDoesNotFitNamesTheColumnAndType() {
        #expect(throws: RowDecodingError.self) { try Self.rows.value(Int.self, row: 0, column: "customer_name") }
        do {
            _ = try Self.rows.value(Int.self, row: 0, column: "customer_name")
        } catch {
            #expect(error.description == "column \"customer_name\" (row 0): cannot decode TEXT Ada as Int")
        }
        do {
            _ = try Self.rows.value(Int.self, row: 0, column: "nope")
        } catch {
            #expect(error.description == "column \"nope\" (row 0): no such column")
        }
    }

    @Test func singleValuesByNameOrIndexAndNullAsOptional() throws {
        #expect(try Self.rows.value(Int64.self, row: 0, column: 0) == 7)
        #expect(try Self.rows.value(String.self, row: 0, column: "total") == "12345678901234567890.125")
        #expect(try Self.rows.optionalValue(String.self, row: 0, column: "note") == nil)
        #expect(throws: RowDecodingError.self) { try Self.rows.value(String.self, row: 0, column: "note") }
        #expect(Date.fromDatabase(.text("2024-02-29")) == Date(timeIntervalSince1970: 1_709_164_800))
        #expect(Date.fromDatabase(.text("2024-02-29T13:45:01+05:30")) == Date(timeIntervalSince1970: 1_709_214_301 - 19_800))
        #expect(Bool.fromDatabase(.integer(0)) == false)
        #expect(Int.fromDatabase(.real(2.5)) == nil)
    }

    @Test func decodingAStructWithAMissingColumnFailsWithItsName() {
        struct Wrong: Decodable { let missing: Int }
        #expect(throws: RowDecodingError.self) { try Self.rows.decode(Wrong.self) }
    }

    @Test func decodesRowsFromBothEnginesAlike() async throws {
        struct Line: Decodable, Equatable { let id: Int; let label: String; let amount: Decimal; let flag: Bool? }
        let sql = "SELECT 1 AS id, 'a' AS label, 2.50 AS amount, NULL AS flag UNION ALL SELECT 2, 'b', 3, 1 ORDER BY id"
        let lite = Database.sqlite(":memory:", configuration: .init(maxConnections: 1))
        let pg = try Database.postgres(try TestDatabases.postgresConninfo(), configuration: .init(maxConnections: 1))
        let fromSQLite = try await lite.execute(SQL(sql: sql)).decode(Line.self)
        let fromPostgres = try await pg.execute(SQL(sql: sql.replacingOccurrences(of: "NULL AS flag", with: "NULL::bool AS flag").replacingOccurrences(of: "3, 1", with: "3, true"))).decode(Line.self)
        #expect(fromSQLite == [Line(id: 1, label: "a", amount: Decimal(string: "2.5")!, flag: nil), Line(id: 2, label: "b", amount: 3, flag: true)])
        #expect(fromSQLite == fromPostgres)
        await lite.close()
        await pg.close()
    }
}
