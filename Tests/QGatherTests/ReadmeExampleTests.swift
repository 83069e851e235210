import Foundation
import QGather
import Testing

/// The README's library example, compiled and run; a second test keeps the README's copy in step.
@Suite struct ReadmeExampleTests {
    /// The example's body, exactly as in README.md (between the `import QGather` line and the fence).
    static func example() async throws -> [String] {
        let db = Database.sqlite(":memory:")  // one in-memory database shared by every pooled connection
        try await db.execute("""
            CREATE TABLE sales (region TEXT, amount INTEGER);
            INSERT INTO sales VALUES ('north', 10), ('south', 20), ('north', 5);
            """)
        let batch = Batch(sql: [
            "SELECT region, sum(amount) AS total FROM sales GROUP BY region ORDER BY region",
            "SELECT count(*) AS n FROM sales",
        ])
        var report: [String] = []
        for outcome in await db.gather(batch, options: GatherOptions(jobs: 2, policy: .collect)) {
            let rows = try outcome.get()  // throws the query's QueryError if it failed
            report.append("\(outcome.query.name): \(rows.rows.count) row(s)")
        }
        await db.close()
        return report
    }

    @Test func readmeLibraryExampleRunsAndReportsInOrder() async throws {
        #expect(try await ReadmeExampleTests.example() == ["q1: 2 row(s)", "q2: 1 row(s)"])
    }

    @Test func readmeShowsTheSameExampleCode() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        func normalized(_ text: Substring) -> [String] {
            text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        let start = try #require(source.range(of: "let db = Database.sqlite"))
        let end = try #require(source.range(of: "await db.close()"))
        let body = normalized(source[start.lowerBound..<end.upperBound])
        let readmeStart = try #require(readme.range(of: "let db = Database.sqlite"))
        let readmeEnd = try #require(readme.range(of: "await db.close()"))
        #expect(normalized(readme[readmeStart.lowerBound..<readmeEnd.upperBound]) == body)
    }
}
