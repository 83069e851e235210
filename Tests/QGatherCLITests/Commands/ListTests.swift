import Foundation
import Testing

/// `qgather --list FILE...`: the parsed statements, without a database.
@Suite struct ListTests {
    @Test func listsIndexNameLocationAndFirstLineWithoutADatabase() async throws {
        let dir = try TemporaryDirectory()
        let first = try dir.write("a.sql", """
            -- name: revenue
            SELECT region,
                   sum(amount)
            FROM sales GROUP BY region;

            SELECT 1;
            """)
        let second = try dir.write("b.sql", "\n\n-- name: cleanup\n  DELETE FROM t\n  WHERE x;\n")
        let result = try await CLIRunner.run(["--list", first, second])
        #expect(result.status == 0, "\(result.stderr)")
        let a = "\(first):2", b = "\(second):4"
        let width = max("location".count, a.count, b.count)
        func pad(_ text: String) -> String { text + String(repeating: " ", count: width - text.count) }
        #expect(result.stdout == """
            index  name     \(pad("location"))  statement
            0      revenue  \(pad(a))  SELECT region,
            1      q2       \(pad("\(first):6"))  SELECT 1
            2      cleanup  \(pad(b))  DELETE FROM t

            """)
        #expect(result.stderr.isEmpty)
    }

    @Test func opensNoDatabaseEvenWhenOneIsGiven() async throws {
        let dir = try TemporaryDirectory()
        let batch = try dir.write("a.sql", "SELECT 1;\n")
        let missing = dir.path("missing.db")
        let result = try await CLIRunner.run(["--list", batch, "--db", missing])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: missing))
        let unreachable = try await CLIRunner.run(["--list", batch, "--pg", "host=/nonexistent dbname=nothing"])
        #expect(unreachable.status == 0, "\(unreachable.stderr)")
    }

    @Test func splitsInTheDialectOfTheTarget() async throws {
        let dir = try TemporaryDirectory()
        // A dollar-quoted body is one statement for PostgreSQL; SQLite has no dollar quotes.
        let batch = try dir.write("fn.sql", "SELECT $$a;b$$;\nSELECT 2;\n")
        let sqlite = try await CLIRunner.run(["--list", batch])
        let postgres = try await CLIRunner.run(["--list", batch, "--pg"])
        #expect(sqlite.status == 0 && postgres.status == 0)
        #expect(sqlite.stdout.split(separator: "\n").count == 4, "\(sqlite.stdout)")
        #expect(postgres.stdout.split(separator: "\n").count == 3, "\(postgres.stdout)")
        #expect(postgres.stdout.contains("SELECT $$a;b$$"))
    }

    @Test func badInputStillExitsTwo() async throws {
        let dir = try TemporaryDirectory()
        let missing = try await CLIRunner.run(["--list", dir.path("nope.sql")])
        #expect(missing.status == 2)
        #expect(missing.stderr == "qgather: \(dir.path("nope.sql")): no such file\n")
        let empty = try await CLIRunner.run(["--list", try dir.write("empty.sql", "-- nothing\n")])
        #expect(empty.status == 2)
        #expect(empty.stderr.contains("no SQL statements"))
    }
}
