import Foundation
import Testing

/// The bundled sample database and batches.
@Suite struct SampleDataTests {
    static let tables = ["customers", "products", "orders", "order_items"]

    @Test func committedSampleDatabaseEqualsWhatMigrateBuilds() async throws {
        let dir = try TemporaryDirectory()
        let built = dir.path("built.db")
        let migrate = try await CLIRunner.run(["migrate", "--db", built, "--dir", CLIRunner.packageRoot.appendingPathComponent("Migrations").path], timeout: 300)
        #expect(migrate.status == 0, "\(migrate.stderr)")
        let committed = CLIRunner.packageRoot.appendingPathComponent("SampleData/sample.db").path
        let dump = "SELECT name, sql FROM sqlite_schema WHERE name <> 'qgather_migrations' ORDER BY name; SELECT version, name, checksum FROM qgather_migrations ORDER BY version;"
            + SampleDataTests.tables.map { " SELECT * FROM \($0) ORDER BY 1;" }.joined()
        let ours = try await CLIRunner.tool("/usr/bin/sqlite3", [built, dump])
        let theirs = try await CLIRunner.tool("/usr/bin/sqlite3", [committed, dump])
        #expect(ours.status == 0 && theirs.status == 0)
        #expect(ours.stdout.count > 1_000_000)
        #expect(ours.stdout == theirs.stdout, "SampleData/sample.db is stale: rebuild it with qgather migrate")
    }

    @Test func dashboardRunsOnTheSampleDatabaseAndLeavesNoFilesBehind() async throws {
        let sampleData = CLIRunner.packageRoot.appendingPathComponent("SampleData")
        let before = try FileManager.default.contentsOfDirectory(atPath: sampleData.path).sorted()
        let database = sampleData.appendingPathComponent("sample.db").path
        let modified = try FileManager.default.attributesOfItem(atPath: database)[.modificationDate] as? Date
        let result = try await CLIRunner.run(["SampleData/dashboard.sql", "--db", "SampleData/sample.db", "--format", "ndjson"], timeout: 120)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count >= 8)
        for line in lines { #expect(line.contains("\"status\":\"ok\"")) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: sampleData.path).sorted() == before)
        #expect(try FileManager.default.attributesOfItem(atPath: database)[.modificationDate] as? Date == modified)
    }

    @Test func failuresBatchShowsFailFastVersusKeepGoing() async throws {
        let failFast = try await CLIRunner.run(["SampleData/failures.sql", "--db", "SampleData/sample.db", "--format", "ndjson"], timeout: 120)
        let keepGoing = try await CLIRunner.run(["SampleData/failures.sql", "--db", "SampleData/sample.db", "--format", "ndjson", "--keep-going"], timeout: 120)
        #expect(failFast.status == 1 && keepGoing.status == 1)
        #expect(failFast.stdout.contains("\"status\":\"cancelled\""))
        #expect(!keepGoing.stdout.contains("\"status\":\"cancelled\""))
        #expect(keepGoing.stdout.split(separator: "\n").filter { $0.contains("\"status\":\"error\"") }.count == 1)
    }
}
