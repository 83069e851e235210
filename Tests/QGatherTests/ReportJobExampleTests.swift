import Foundation
import QGather
import Testing

// README's second library example, verbatim between the markers; run on both engines below.
// README-REPORT-BEGIN
struct CategoryRevenue: Decodable {
    let category: String
    let revenueCents: Int
}

/// Revenue per category since a date, and the order count, from one consistent snapshot.
func categoryReport(_ db: Database, since: String) async throws -> String {
    let batch = Batch([
        Query("""
            SELECT c.name AS category, CAST(sum(oi.quantity * oi.unit_price_cents) AS INTEGER) AS revenue_cents
            FROM order_items oi
            JOIN orders o ON o.id = oi.order_id
            JOIN products p ON p.id = oi.product_id
            JOIN categories c ON c.id = p.category_id
            WHERE o.order_date >= :since
            GROUP BY c.name ORDER BY revenue_cents DESC, c.name
            """, name: "by_category", parameters: ["since": .text(since)]),
        Query("SELECT count(*) AS orders FROM orders WHERE order_date >= :since", name: "orders", parameters: ["since": .text(since)]),
    ])
    let outcomes = await db.gather(batch, options: GatherOptions(jobs: 2, snapshot: true))
    let categories = try outcomes[0].get().decode(CategoryRevenue.self, keys: .convertFromSnakeCase)
    let orders = try outcomes[1].get().value(Int.self, row: 0, column: "orders")
    let total = categories.reduce(0) { $0 + $1.revenueCents }
    return "\(orders) orders since \(since): revenue \(total / 100) in \(categories.count) categories, led by \(categories[0].category)"
}
// README-REPORT-END

/// The report job runs against the sample data on SQLite (WAL copy) and PostgreSQL, with the same answer.
@Suite struct ReportJobExampleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func reportJobGivesTheSameSummaryOnBothEngines() async throws {
        // SQLite: --snapshot needs WAL, so run on a WAL copy of the sample database.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qgather-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let copy = directory.appendingPathComponent("sample.db")
        try FileManager.default.copyItem(at: Self.root.appendingPathComponent("SampleData/sample.db"), to: copy)
        let lite = Database.sqlite(copy.path, configuration: .init(maxConnections: 2))
        try await lite.execute("PRAGMA journal_mode = WAL")
        let fromSQLite = try await categoryReport(lite, since: "2024-07-01")
        await lite.close()

        let conninfo = try #require(ProcessInfo.processInfo.environment["QGATHER_TEST_PG"], "run with ./Scripts/test (QGATHER_TEST_PG)")
        let name = "qg_report_\(UInt32.random(in: 0...UInt32.max))"
        let admin = try Database.postgres(conninfo, configuration: .init(maxConnections: 1))
        try await admin.execute("CREATE DATABASE \(unsafeRaw: name)")
        let pg = try Database.postgres(conninfo + " dbname=\(name)", configuration: .init(maxConnections: 2))
        _ = try await Migrator(directory: Self.root.appendingPathComponent("Migrations").path).migrate(pg)
        let fromPostgres = try await categoryReport(pg, since: "2024-07-01")
        await pg.close()
        try await admin.execute("DROP DATABASE \(unsafeRaw: name)")
        await admin.close()

        #expect(fromSQLite.hasPrefix("8"), "\(fromSQLite)")
        #expect(fromSQLite.contains("in 8 categories, led by Electronics"), "\(fromSQLite)")
        #expect(fromSQLite == fromPostgres)
    }

    @Test func readmeShowsTheReportJobVerbatim() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let begin = try #require(source.range(of: "// README-REPORT-BEGIN\n"))
        let end = try #require(source.range(of: "// README-REPORT-END"))
        let example = String(source[begin.upperBound..<end.lowerBound])
        #expect(readme.contains(example))
    }
}
