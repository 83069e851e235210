import Foundation
import Testing

/// `--out-dir DIR`: one file per query plus summary.json, nothing on stdout, no overwriting.
@Suite struct OutDirTests {
    static let batchText = """
        -- name: top_customers
        SELECT id, name FROM customers ORDER BY id LIMIT 2;
        -- name: broken
        SELECT nope FROM customers;
        -- name: order_count
        SELECT count(*) AS n FROM orders;
        """

    static func summary(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func writesAFilePerQueryAndASummaryAndNothingToStdout() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let batch = try dir.write("b.sql", Self.batchText)
        let out = dir.path("reports/daily")  // created, parents too
        let result = try await CLIRunner.run([batch, "--db", db, "--out-dir", out, "--format", "csv", "--keep-going"])
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr.contains("broken: no such column: nope"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["order_count.csv", "summary.json", "top_customers.csv"])
        #expect(try String(contentsOfFile: out + "/top_customers.csv", encoding: .utf8) == "id,name\n1,Ada\n2,Grace\n")
        #expect(try String(contentsOfFile: out + "/order_count.csv", encoding: .utf8) == "n\n4\n")

        let summary = try Self.summary(out + "/summary.json")
        #expect(summary["format"] as? String == "csv")
        #expect(summary["wall_ms"] is Double)
        let queries = try #require(summary["queries"] as? [[String: Any]])
        #expect(queries.map { $0["name"] as? String } == ["top_customers", "broken", "order_count"])
        #expect(queries.map { $0["file"] as? String } == ["top_customers.csv", nil, "order_count.csv"])
        #expect(queries.map { $0["status"] as? String } == ["ok", "error", "ok"])
        #expect(queries.map { $0["rows"] as? Int } == [2, nil, 1])
        #expect(queries[0]["error"] is NSNull && queries[0]["elapsed_ms"] is Double && queries[0]["start_ms"] is Double)
        let error = try #require(queries[1]["error"] as? [String: Any])
        #expect(error["code"] as? String == "SQLITE_ERROR")
        #expect((error["message"] as? String)?.contains("nope") == true)
        #expect(error["line"] as? Int == 4)
    }

    @Test func extensionFollowsTheFormat() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let batch = try dir.write("b.sql", "-- name: top_customers\nSELECT id, name FROM customers ORDER BY id LIMIT 1;\n")
        let expected: [(String, String, String)] = [
            ("csv", "csv", "id,name\n1,Ada\n"),
            ("table", "txt", "-- top_customers (line 2)\n id | name \n----+------\n  1 | Ada\n(1 row)\n\n"),
            ("markdown", "md", "### top_customers\n\n| id | name |\n|---:|---|\n| 1 | Ada |\n\n"),
        ]
        for (format, ext, content) in expected {
            let out = dir.path("out-\(format)")
            let result = try await CLIRunner.run([batch, "--db", db, "--out-dir", out, "--format", format])
            #expect(result.status == 0 && result.stdout.isEmpty, "\(format): \(result.stderr)")
            #expect(try String(contentsOfFile: "\(out)/top_customers.\(ext)", encoding: .utf8) == content, "\(format)")
        }
        for (format, ext) in [("json", "json"), ("ndjson", "ndjson")] {
            let out = dir.path("out-\(format)")
            #expect(try await CLIRunner.run([batch, "--db", db, "--out-dir", out, "--format", format]).status == 0)
            let text = try String(contentsOfFile: "\(out)/top_customers.\(ext)", encoding: .utf8)
            #expect(text.hasSuffix("}\n") && text.split(separator: "\n").count == 1, "\(format): one object on one line")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            #expect(object["name"] as? String == "top_customers" && object["rows"] as? [[Any]] != nil)
        }
    }

    @Test func existingFilesAreNotOverwrittenWithoutForce() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let batch = try dir.write("b.sql", Self.batchText + "\n-- name: touch\nUPDATE customers SET name = 'changed' WHERE id = 1;\n")
        let out = dir.path("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try "keep me".write(toFile: out + "/order_count.csv", atomically: true, encoding: .utf8)

        let refused = try await CLIRunner.run([batch, "--db", db, "--out-dir", out, "--format", "csv"])
        #expect(refused.status == 2)
        #expect(refused.stderr == "qgather: \(out)/order_count.csv already exists (use --force to overwrite)\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out) == ["order_count.csv"], "nothing was written")
        #expect(try String(contentsOfFile: out + "/order_count.csv", encoding: .utf8) == "keep me")
        let name = try await CLIRunner.tool("/usr/bin/sqlite3", [db, "SELECT name FROM customers WHERE id = 1"])
        #expect(name.stdout == "Ada\n", "nothing ran")

        let forced = try await CLIRunner.run([batch, "--db", db, "--out-dir", out, "--format", "csv", "--force", "--keep-going"])
        #expect(forced.status == 1)
        #expect(try String(contentsOfFile: out + "/order_count.csv", encoding: .utf8) == "n\n4\n")
    }

    @Test func forceRemovesTheOldFileOfAQueryThatNowFails() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let out = dir.path("out")
        let good = try dir.write("good.sql", "-- name: broken\nSELECT 1 AS one;\n")
        #expect(try await CLIRunner.run([good, "--db", db, "--out-dir", out, "--format", "csv"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: out + "/broken.csv"))
        let bad = try dir.write("bad.sql", "-- name: broken\nSELECT nope;\n")
        #expect(try await CLIRunner.run([bad, "--db", db, "--out-dir", out, "--format", "csv", "--force"]).status == 1)
        #expect(!FileManager.default.fileExists(atPath: out + "/broken.csv"), "no stale result stays behind")
        let queries = try #require(try Self.summary(out + "/summary.json")["queries"] as? [[String: Any]])
        #expect(queries.first?["status"] as? String == "error")
    }

    @Test func fileNamesAreSafeAndUnique() async throws {
        let dir = try TemporaryDirectory()
        let batch = try dir.write("b.sql", """
            -- name: a/b
            SELECT 1;
            -- name: a_b
            SELECT 2;
            -- name: ../up
            SELECT 3;
            -- name: summary
            SELECT 4;
            SELECT 5;
            """)
        let out = dir.path("out")
        let result = try await CLIRunner.run([batch, "--db", ":memory:", "--out-dir", out, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted()
                == ["_._up.json", "a_b.json", "a_b_2.json", "q5.json", "summary.json", "summary_2.json"])
        let queries = try #require(try Self.summary(out + "/summary.json")["queries"] as? [[String: Any]])
        #expect(queries.map { $0["file"] as? String } == ["a_b.json", "a_b_2.json", "_._up.json", "summary_2.json", "q5.json"])
    }

    @Test func outDirThatIsAFileIsRefused() async throws {
        let dir = try TemporaryDirectory()
        let batch = try dir.write("b.sql", "SELECT 1;")
        let file = try dir.write("plain", "x")
        let result = try await CLIRunner.run([batch, "--db", ":memory:", "--out-dir", file])
        #expect(result.status == 2)
        #expect(result.stderr == "qgather: \(file): exists and is not a directory\n")
    }
}
