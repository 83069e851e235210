import Foundation
import Testing

/// `--format csv` with `--no-header` and `--null`.
@Suite struct CSVFormatterTests {
    @Test func noHeaderPrintsOnlyRows() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let batch = try dir.write("b.sql", "SELECT id, name FROM customers ORDER BY id LIMIT 2; SELECT 'x' AS only;")
        let result = try await CLIRunner.run([batch, "--db", db, "--format", "csv", "--no-header"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "1,Ada\n2,Grace\n\nx\n")
    }

    @Test func nullStringReplacesNullButNotEmptyText() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let batch = try dir.write("b.sql", "SELECT id, note FROM customers WHERE id < 3 ORDER BY id;")
        let plain = try await CLIRunner.run([batch, "--db", db, "--format", "csv"])
        #expect(plain.stdout == "id,note\n1,\n2,\"\"\n")
        let marked = try await CLIRunner.run([batch, "--db", db, "--format", "csv", "--null", "NULL"])
        #expect(marked.stdout == "id,note\n1,NULL\n2,\"\"\n")
        let quoted = try await CLIRunner.run([batch, "--db", db, "--format", "csv", "--null", "no value"])
        #expect(quoted.stdout == "id,note\n1,\"no value\"\n2,\"\"\n", "quoted as sqlite3 quotes text with a space")
    }

    @Test func headerAndNullFlagsAreRefusedForJSON() async throws {
        let dir = try TemporaryDirectory()
        let batch = try dir.write("b.sql", "SELECT 1;")
        for arguments in [["--format", "json", "--no-header"], ["--format", "ndjson", "--null", "x"], ["--force"]] {
            let result = try await CLIRunner.run([batch, "--db", ":memory:"] + arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.hasPrefix("qgather: "), "\(arguments): \(result.stderr)")
        }
    }
}
