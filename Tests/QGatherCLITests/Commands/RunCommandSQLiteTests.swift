import Foundation
import Testing

/// End-to-end: the `qgather` binary on SQLite files.
@Suite struct RunCommandSQLiteTests {
    @Test func tableFormatPrintsEachQueryInFileOrderWithPsqlLayout() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let batch = try dir.write("b.sql", """
            -- name: slow_first
            \(Fixtures.runaway.replacingOccurrences(of: "FROM c)", with: "FROM c WHERE x < 300000)"));
            -- name: customers
            SELECT id, name FROM customers ORDER BY id LIMIT 2;
            UPDATE orders SET total = total WHERE id < 3;
            """)
        let result = try await CLIRunner.run([batch, "--db", db, "--jobs", "3"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
            -- slow_first (line 2)
             count(*) 
            ----------
               300000
            (1 row)

            -- customers (line 4)
             id | name  
            ----+-------
              1 | Ada
              2 | Grace
            (2 rows)

            -- q3 (line 5)
            (2 rows affected)


            """)
    }

    @Test func csvOutputOfOneQueryIsByteIdenticalToSqlite3() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let sql = "SELECT c.*, o.total, o.placed, x'41' AS blob, NULL AS nada FROM customers c LEFT JOIN orders o ON o.customer_id = c.id ORDER BY c.id, o.id"
        let batch = try dir.write("one.sql", sql + ";\n")
        let ours = try await CLIRunner.run([batch, "--db", db, "--format", "csv"])
        let theirs = try await CLIRunner.tool("/usr/bin/sqlite3", ["-csv", "-header", db, sql])
        #expect(ours.status == 0, "\(ours.stderr)")
        #expect(theirs.status == 0)
        #expect(ours.stdout == theirs.stdout)
        #expect(ours.stdout.contains("\"\"") && ours.stdout.contains("1.0e+20"))
    }

    @Test func csvSeparatesResultsWithOneEmptyLine() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let batch = try dir.write("b.sql", "SELECT 1 AS a; SELECT 'x' AS b, 2 AS c;")
        let result = try await CLIRunner.run([batch, "--db", db, "--format", "csv"])
        #expect(result.stdout == "a\n1\n\nb,c\nx,2\n")
    }

    @Test func jsonFormatDescribesEveryOutcome() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let batch = try dir.write("b.sql", """
            -- name: totals
            SELECT orders.id, total, note FROM orders JOIN customers ON customers.id = orders.customer_id ORDER BY orders.id LIMIT 2;
            SELECT nope FROM customers;
            """)
        let result = try await CLIRunner.run([batch, "--db", db, "--format", "json", "--keep-going"])
        #expect(result.status == 1)
        let data = try #require(result.stdout.data(using: .utf8))
        let array = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(array.count == 2)
        #expect(array[0]["name"] as? String == "totals")
        #expect(array[0]["status"] as? String == "ok")
        #expect(array[0]["line"] as? Int == 2)
        let rows = try #require(array[0]["rows"] as? [[Any]])
        #expect(rows.count == 2)
        #expect(rows[0][1] as? Double == 10.5)
        #expect(rows[0][2] is NSNull)
        let columns = try #require(array[0]["columns"] as? [[String: String]])
        #expect(columns.map { $0["name"] } == ["id", "total", "note"])
        #expect(columns[1]["type"] == "REAL")
        #expect(array[1]["status"] as? String == "error")
        let error = try #require(array[1]["error"] as? [String: Any])
        #expect(error["code"] as? String == "SQLITE_ERROR")
        #expect((error["message"] as? String)?.contains("nope") == true)
        #expect(array[0]["elapsed_ms"] is Double)
    }

    @Test func ndjsonPrintsOneObjectPerLine() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let batch = try dir.write("b.sql", "SELECT 1 AS a; SELECT 2 AS b; SELECT 3 AS c;")
        let result = try await CLIRunner.run([batch, "--db", db, "--format", "ndjson"])
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        for (i, line) in lines.enumerated() {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["index"] as? Int == i)
        }
    }

    @Test func failingQueryExitsOneAndNamesFileLineAndQuery() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let batch = try dir.write("bad.sql", "SELECT 1;\n\n-- name: broken\nSELECT id,\n  missing_column FROM customers;\n")
        let result = try await CLIRunner.run([batch, "--db", db])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(batch):5:3: broken: no such column: missing_column"), "\(result.stderr)")
    }

    @Test func failFastCancelsARunawayQueryPromptly() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let batch = try dir.write("b.sql", "\(Fixtures.runaway);\nSELECT * FROM no_such_table;\nSELECT 1;\n")
        let result = try await CLIRunner.run([batch, "--db", db, "--jobs", "2", "--format", "json"], timeout: 30)
        #expect(result.status == 1)
        #expect(result.seconds < 10)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(array.map { $0["status"] as? String } == ["cancelled", "error", "cancelled"])
    }

    @Test func keepGoingRunsEveryQueryAndStillExitsOne() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let batch = try dir.write("b.sql", "SELECT 1 AS a;\nSELECT * FROM no_such_table;\nSELECT 3 AS c;\n")
        let result = try await CLIRunner.run([batch, "--db", db, "--keep-going", "--format", "csv"])
        #expect(result.status == 1)
        #expect(result.stdout == "a\n1\n\nc\n3\n")
        #expect(result.stderr.contains("no such table: no_such_table"))
    }

    @Test func timeoutInterruptsTheQueryInTheDatabase() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let batch = try dir.write("b.sql", "\(Fixtures.runaway);\n")
        let result = try await CLIRunner.run([batch, "--db", db, "--timeout", "300ms"], timeout: 30)
        #expect(result.status == 1)
        #expect(result.seconds < 10)
        #expect(result.stderr.contains("timed out after 300ms"), "\(result.stderr)")
    }

    @Test func missingDatabaseFileExitsThreeAndCreatesNothing() async throws {
        let dir = try TemporaryDirectory()
        let batch = try dir.write("b.sql", "SELECT 1;")
        let db = dir.path("typo.db")
        let result = try await CLIRunner.run([batch, "--db", db])
        #expect(result.status == 3)
        #expect(result.stderr == "qgather: \(db): no such database file\n")
        #expect(!FileManager.default.fileExists(atPath: db))
    }

    @Test func nonDatabaseFileExitsThree() async throws {
        let dir = try TemporaryDirectory()
        let batch = try dir.write("b.sql", "SELECT 1;")
        let notDB = try dir.write("text.db", String(repeating: "this is not a database\n", count: 100))
        let result = try await CLIRunner.run([batch, "--db", notDB])
        #expect(result.status == 3)
        #expect(result.stderr.contains("file is not a database"))
    }

    @Test func missingSQLFileExitsTwo() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let result = try await CLIRunner.run([dir.path("nope.sql"), "--db", db])
        #expect(result.status == 2)
        #expect(result.stderr == "qgather: \(dir.path("nope.sql")): no such file\n")
    }

    @Test func unterminatedStringNamesFileAndLineAndExitsTwo() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let batch = try dir.write("b.sql", "SELECT 1;\nSELECT 'oops;\nSELECT 2;\n")
        let result = try await CLIRunner.run([batch, "--db", db])
        #expect(result.status == 2)
        #expect(result.stderr == "qgather: \(batch):2: unterminated string literal\n")
        #expect(result.stdout.isEmpty)
    }

    @Test func emptyAndCommentOnlyFilesExitTwo() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        for text in ["", "-- just a comment\n/* and another */\n", ";;\n"] {
            let batch = try dir.write("empty.sql", text)
            let result = try await CLIRunner.run([batch, "--db", db])
            #expect(result.status == 2)
            #expect(result.stderr.contains("no SQL statements"))
        }
    }

    @Test func badFlagsExitTwoWithOneLine() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let batch = try dir.write("b.sql", "SELECT 1;")
        for arguments in [[batch, "--db", db, "--jobs", "0"], [batch, "--db", db, "--jobs", "-1"], [batch, "--db", db, "--jobs", "99999999"],
                          [batch, "--db", db, "--timeout", "soon"], [batch, "--db", db, "--format", "xml"], [batch, "--db", db, "--bogus"],
                          [batch], [batch, "--db", db, "--per-target", "0"]] {
            let result = try await CLIRunner.run(arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.hasPrefix("qgather: "), "\(arguments)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
        }
    }

    @Test func standardInputAndSeveralFilesFormOneBatch() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let first = try dir.write("a.sql", "SELECT 1 AS a;")
        let result = try await CLIRunner.run([first, "-", "--db", db, "--format", "ndjson"], stdin: "-- name: piped\nSELECT 2 AS b;")
        #expect(result.status == 0, "\(result.stderr)")
        let names = result.stdout.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["name"] as? String
        }
        #expect(names == ["q1", "piped"])
    }

    @Test func sigintInterruptsALongBatchAndExits130() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let batch = try dir.write("b.sql", "\(Fixtures.runaway);\n\(Fixtures.runaway);\nSELECT 1;\n")
        let started = Date()
        let (process, out, err) = try CLIRunner.start([batch, "--db", db, "--jobs", "2"])
        try await Task.sleep(for: .milliseconds(700))
        kill(process.processIdentifier, SIGINT)
        let signalled = Date()
        let result = await CLIRunner.finish(process, out, err, started: started, timeout: 20)
        #expect(result.status == 130)
        #expect(Date().timeIntervalSince(signalled) < 5)
        #expect(result.stderr.contains("interrupted"))
    }

    @Test func aLargeResultStreamsToTheOutputInBoundedMemory() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        // 100,000 rows of 1,000 bytes: about 100 MB of csv, which must not be held in memory.
        let batch = try dir.write("big.sql", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000) SELECT x, hex(zeroblob(500)) AS pad FROM c;\n")
        let started = Date()
        let (process, out, err) = try CLIRunner.start([batch, "--db", db, "--format", "csv"], discardOutput: true)
        // The kernel's high-water mark of this process's resident memory, read until it exits.
        var peakKiB = 0
        while process.isRunning {
            if let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
               let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
               let kib = Int(line.split(separator: " ").dropFirst().first ?? "") {
                peakKiB = max(peakKiB, kib)
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        let result = await CLIRunner.finish(process, out, err, started: started, timeout: 120)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(peakKiB > 0 && peakKiB < 80 * 1024, "peak RSS: \(peakKiB) KiB")
    }

    @Test func timingPrintsASummaryOnStderr() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let batch = try dir.write("b.sql", "SELECT 1 AS a; SELECT 2 AS b;")
        let result = try await CLIRunner.run([batch, "--db", db, "--timing", "--format", "csv"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("2 queries, wall "))
        #expect(result.stderr.contains("overlap"))
        #expect(!result.stdout.contains("wall"))
    }
}
