import Foundation
import Testing

/// `--timing-json FILE`: raw per-query timings.
@Suite struct TimingJSONTests {
    @Test func writesEveryQuerysTimingsAndTheWallTime() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let batch = try dir.write("b.sql", """
            -- name: customers
            SELECT * FROM customers;
            -- name: broken
            SELECT nope;
            -- name: never
            SELECT 3;
            """)
        let file = dir.path("timings.json")
        let result = try await CLIRunner.run([batch, "--db", db, "--jobs", "1", "--timing-json", file, "--format", "csv"])
        #expect(result.status == 1)
        #expect(!result.stderr.contains("wall"), "only --timing prints timings")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any])
        let wall = try #require(object["wall_ms"] as? Double)
        let queries = try #require(object["queries"] as? [[String: Any]])
        #expect(queries.map { $0["index"] as? Int } == [0, 1, 2])
        #expect(queries.map { $0["name"] as? String } == ["customers", "broken", "never"])
        #expect(queries.map { $0["line"] as? Int } == [2, 4, 6])
        #expect(queries.map { $0["status"] as? String } == ["ok", "error", "cancelled"])
        #expect(queries.map { $0["rows"] as? Int } == [4, nil, nil])
        for query in queries.prefix(2) {
            let start = try #require(query["start_ms"] as? Double)
            let elapsed = try #require(query["elapsed_ms"] as? Double)
            #expect(start >= 0 && elapsed >= 0 && start + elapsed <= wall)
        }
        #expect(queries[2]["start_ms"] is NSNull && queries[2]["elapsed_ms"] is NSNull, "fail-fast never started it")
        #expect(Set(queries[0].keys) == ["index", "name", "line", "status", "start_ms", "elapsed_ms", "rows"])
    }

    @Test func aFileInAMissingDirectoryIsRefusedBeforeRunning() async throws {
        let dir = try TemporaryDirectory()
        let batch = try dir.write("b.sql", "SELECT 1;")
        let result = try await CLIRunner.run([batch, "--db", ":memory:", "--timing-json", dir.path("nope/t.json")])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("no such directory"), "\(result.stderr)")
    }
}
