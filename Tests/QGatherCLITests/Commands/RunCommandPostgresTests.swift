import Foundation
import Testing

/// End-to-end: the `qgather` binary against a real PostgreSQL server.
@Suite struct RunCommandPostgresTests {
    @Test func csvOfEveryTypeFamilyIsByteIdenticalToPsql() async throws {
        let sql = """
            SELECT 1::int2 AS i2, 2::int4 AS i4, 9223372036854775807::int8 AS i8, 1.5::float4 AS f4, 0.1::float8 AS f8,
              1e20::float8 AS big, 'NaN'::float8 AS nan, 'Infinity'::float8 AS inf, -0.000015::float8 AS tiny,
              12345678901234567890.123456789::numeric AS num, 2.50::numeric AS cents, true AS yes, false AS no,
              'plain'::text AS t, 'a, b'::varchar AS v, 'x'::char(3) AS bp, 'n'::name AS nm, E'\\\\x00ff'::bytea AS by,
              '2024-02-29'::date AS d, '13:45:01.5'::time AS tm, '2024-02-29 13:45:01'::timestamp AS ts,
              '2024-02-29 13:45:01+00'::timestamptz AS tstz, '1 day 2 hours'::interval AS iv, '{"a": [1, 2]}'::json AS js,
              '{"b": 1}'::jsonb AS jb, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS id, ARRAY[1, 2, 3] AS arr,
              ARRAY['x y', NULL] AS tarr, NULL::text AS nul, ''::text AS empty, 'say "hi"' AS quoted, E'two\\nlines' AS nl, '\\.' AS eod
            """
        let dir = try TemporaryDirectory()
        let batch = try dir.write("types.sql", sql + ";\n")
        let ours = try await CLIRunner.run([batch, "--pg", try PostgresServer.conninfo(), "--format", "csv"])
        #expect(ours.status == 0, "\(ours.stderr)")
        let theirs = try await PostgresServer.psql(sql, csv: true)
        #expect(ours.stdout == theirs)
    }

    @Test func tableFormatMatchesPsqlAlignedOutput() async throws {
        let sql = "SELECT 1 AS a, 'x' AS bb, 2.50::numeric AS ccccc, NULL::int AS d, 'long text here' AS e, true AS f UNION ALL SELECT 22, 'yyy', -3, 4, '', false"
        let dir = try TemporaryDirectory()
        let batch = try dir.write("t.sql", sql + ";\n")
        let ours = try await CLIRunner.run([batch, "--pg", try PostgresServer.conninfo()])
        #expect(ours.status == 0, "\(ours.stderr)")
        let psql = try await CLIRunner.tool("/usr/bin/psql", ["-X", "-d", try PostgresServer.conninfo(), "-c", sql])
        #expect(ours.stdout == "-- q1 (line 1)\n" + psql.stdout)
    }

    @Test func jsonEmbedsJsonNumbersAndExactNumerics() async throws {
        let dir = try TemporaryDirectory()
        let batch = try dir.write("j.sql", "SELECT 12345678901234567890.123456789::numeric AS n, 42::int8 AS i, 0.5::float8 AS f, '{\"a\": [1, 2]}'::jsonb AS j, true AS b, NULL::text AS z;\n")
        let result = try await CLIRunner.run([batch, "--pg", try PostgresServer.conninfo(), "--format", "ndjson"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"rows\":[[12345678901234567890.123456789,42,0.5,{\"a\": [1, 2]},true,null]]"), "\(result.stdout)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let columns = try #require(object["columns"] as? [[String: String]])
        #expect(columns.map { $0["type"] } == ["numeric", "int8", "float8", "jsonb", "bool", "text"])
    }

    @Test func bareFlagUsesLibpqDefaultsAndEnvironmentAndSetsApplicationName() async throws {
        let dir = try TemporaryDirectory()
        let batch = try dir.write("a.sql", "SELECT current_setting('application_name') AS app, current_database() AS db;\n")
        let bare = try await CLIRunner.run([batch, "--pg", "--format", "csv"])
        #expect(bare.status == 0, "\(bare.stderr)")
        #expect(bare.stdout == "app,db\nqgather,\(ProcessInfo.processInfo.environment["PGDATABASE"] ?? "?")\n")
        let named = try await CLIRunner.run([batch, "--pg", "application_name=nightly", "--format", "csv"])
        #expect(named.stdout.hasPrefix("app,db\nnightly,"), "\(named.stdout)\(named.stderr)")
        let env = ProcessInfo.processInfo.environment
        let uri = "postgresql:///\(env["PGDATABASE"] ?? "")?host=\(env["PGHOST"] ?? "")&port=\(env["PGPORT"] ?? "")&user=\(env["PGUSER"] ?? "")"
        let viaDb = try await CLIRunner.run([batch, "--db", uri, "--format", "csv"])
        #expect(viaDb.status == 0, "\(viaDb.stderr)")
        #expect(viaDb.stdout == bare.stdout)
    }

    @Test func deadHostFailsWithinTheDefaultConnectTimeout() async throws {
        let dir = try TemporaryDirectory()
        let batch = try dir.write("b.sql", "SELECT 1;")
        // 192.0.2.1 is TEST-NET-1: never routed; without a connect timeout this could hang for minutes.
        let result = try await CLIRunner.run([batch, "--pg", "host=192.0.2.1 dbname=x"], timeout: 60)
        #expect(result.status == 3)
        #expect(result.seconds < 15, "took \(result.seconds) s")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func sixtyFourSleepsOfOneSecondRunConcurrently() async throws {
        let dir = try TemporaryDirectory()
        let batch = try dir.write("sleeps.sql", String(repeating: "SELECT pg_sleep(1);\n", count: 64))
        let result = try await CLIRunner.run([batch, "--pg", try PostgresServer.conninfo(), "--jobs", "64", "--format", "csv"], timeout: 60)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.seconds < 10, "64 one-second sleeps took \(result.seconds) s")
        print("64 x pg_sleep(1), --jobs 64: \(String(format: "%.2f", result.seconds)) s (whole process)")
    }

    @Test func failFastCancelsSiblingsOnTheServer() async throws {
        let app = PostgresServer.uniqueApplicationName()
        let dir = try TemporaryDirectory()
        let batch = try dir.write("b.sql", "SELECT pg_sleep(30);\nSELECT pg_sleep(30);\nSELECT 1/0;\nSELECT pg_sleep(30);\n")
        let result = try await CLIRunner.run([batch, "--pg", try PostgresServer.conninfo(applicationName: app), "--jobs", "4", "--format", "ndjson"], timeout: 60)
        #expect(result.status == 1)
        #expect(result.seconds < 10)
        #expect(result.stderr.contains("division by zero"))
        #expect(result.stdout.components(separatedBy: "\"status\":\"cancelled\"").count - 1 == 3)
        await #expect(try PostgresServer.activeQueries(applicationName: app) == 0)
    }

    @Test func timeoutCancelsTheQueryOnTheServer() async throws {
        let app = PostgresServer.uniqueApplicationName()
        let dir = try TemporaryDirectory()
        let batch = try dir.write("b.sql", "SELECT pg_sleep(30);\nSELECT 42 AS answer;\n")
        let result = try await CLIRunner.run([batch, "--pg", try PostgresServer.conninfo(applicationName: app), "--timeout", "500ms",
                                        "--keep-going", "--format", "csv"], timeout: 60)
        #expect(result.status == 1)
        #expect(result.seconds < 10)
        #expect(result.stderr.contains("timed out after 500ms"), "\(result.stderr)")
        #expect(result.stdout == "answer\n42\n")
        await #expect(try PostgresServer.activeQueries(applicationName: app) == 0)
    }

    @Test func sigintCancelsOnTheServerAndExits130() async throws {
        let app = PostgresServer.uniqueApplicationName()
        let dir = try TemporaryDirectory()
        let batch = try dir.write("b.sql", "SELECT pg_sleep(30);\nSELECT pg_sleep(30);\n")
        let started = Date()
        let (process, out, err) = try CLIRunner.start([batch, "--pg", try PostgresServer.conninfo(applicationName: app), "--jobs", "2"])
        await #expect(try PostgresServer.waitForActive(applicationName: app, count: 2) == 2)
        kill(process.processIdentifier, SIGINT)
        let signalled = Date()
        let result = await CLIRunner.finish(process, out, err, started: started, timeout: 30)
        #expect(result.status == 130)
        #expect(Date().timeIntervalSince(signalled) < 5, "exit took \(Date().timeIntervalSince(signalled)) s after SIGINT")
        await #expect(try PostgresServer.activeQueries(applicationName: app) == 0)
    }

    @Test func sigtermCancelsOnTheServerAndExits143() async throws {
        let app = PostgresServer.uniqueApplicationName()
        let dir = try TemporaryDirectory()
        let batch = try dir.write("b.sql", "SELECT pg_sleep(30);\n")
        let started = Date()
        let (process, out, err) = try CLIRunner.start([batch, "--pg", try PostgresServer.conninfo(applicationName: app)])
        await #expect(try PostgresServer.waitForActive(applicationName: app, count: 1) == 1)
        kill(process.processIdentifier, SIGTERM)
        let result = await CLIRunner.finish(process, out, err, started: started, timeout: 30)
        #expect(result.status == 143)
        await #expect(try PostgresServer.activeQueries(applicationName: app) == 0)
    }

    @Test func terminatedBackendFailsOnlyItsQueryAndThePoolHeals() async throws {
        let app = PostgresServer.uniqueApplicationName()
        let dir = try TemporaryDirectory()
        let batch = try dir.write("b.sql", """
            SELECT 1 AS before;
            -- name: victim
            SELECT pg_sleep(20) AS victim_marker;
            SELECT 2 AS after1;
            SELECT 3 AS after2;
            """)
        let started = Date()
        let (process, out, err) = try CLIRunner.start([batch, "--pg", try PostgresServer.conninfo(applicationName: app), "--jobs", "1",
                                                       "--keep-going", "--format", "csv"])
        var killed = ""
        for _ in 0..<200 where killed != "1" {  // until the victim is running, then terminate its backend
            try await Task.sleep(for: .milliseconds(100))
            killed = try await PostgresServer.psql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '\(app)' AND query LIKE '%victim_marker%' AND state = 'active' AND pid <> pg_backend_pid()")
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(killed == "1")
        let result = await CLIRunner.finish(process, out, err, started: started, timeout: 30)
        #expect(result.status == 1)
        #expect(result.seconds < 15)
        #expect(result.stdout == "before\n1\n\nafter1\n2\n\nafter2\n3\n")
        #expect(result.stderr.contains("victim: terminating connection due to administrator command"), "\(result.stderr)")
    }

    @Test func unreachableServerExitsThreeWithOneLine() async throws {
        let dir = try TemporaryDirectory()
        let batch = try dir.write("b.sql", "SELECT 1;")
        let result = try await CLIRunner.run([batch, "--pg", "host=/nonexistent-socket-dir port=5999 connect_timeout=3"])
        #expect(result.status == 3)
        #expect(result.stderr.hasPrefix("qgather: postgresql host=/nonexistent-socket-dir port=5999"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func malformedConninfoExitsThreeWithOneLine() async throws {
        let dir = try TemporaryDirectory()
        let batch = try dir.write("b.sql", "SELECT 1;")
        let result = try await CLIRunner.run([batch, "--pg", "host=x nonsense_keyword=1"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("bad connection string"), "\(result.stderr)")
    }

    @Test func passwordsNeverAppearInOutput() async throws {
        let secret = "SuperSecret-\(UUID().uuidString.prefix(8))"
        let dir = try TemporaryDirectory()
        let batch = try dir.write("b.sql", "SELECT 1;")
        let targets: [[String]] = [
            ["--pg", "postgresql://bob:\(secret)@127.0.0.1:1/shop?connect_timeout=3"],
            ["--db", "postgresql://bob:\(secret)@127.0.0.1:1/shop"],
            ["--pg", "host=127.0.0.1 port=1 user=bob password=\(secret) connect_timeout=3"],
            ["--pg", "host=/nonexistent password='\(secret)' bogus_key=1"],
        ]
        for target in targets {
            for extra in [[], ["--format", "json", "--timing"]] {
                let result = try await CLIRunner.run([batch] + target + extra)
                #expect(result.status == 3)
                #expect(!result.stderr.contains(secret) && !result.stdout.contains(secret), "\(result.stderr)")
            }
        }
    }

    @Test func sqlErrorsCarrySqlstatePositionAndHint() async throws {
        let dir = try TemporaryDirectory()
        let batch = try dir.write("b.sql", "SELECT 1;\n-- name: typo\nSELECT id,\n  nope FROM (SELECT 1 AS id) t;\n")
        let result = try await CLIRunner.run([batch, "--pg", try PostgresServer.conninfo(), "--format", "json"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(batch):4:3: typo: column \"nope\" does not exist"), "\(result.stderr)")
        let array = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let error = try #require(array[1]["error"] as? [String: Any])
        #expect(error["code"] as? String == "42703")
        #expect(error["line"] as? Int == 4)
    }

    @Test func dashboardGivesTheSameResultsOnPostgresAndSQLite() async throws {
        let conninfo = try await PostgresServer.freshDatabase()
        let migrate = try await CLIRunner.run(["migrate", "--pg", conninfo], timeout: 300)
        #expect(migrate.status == 0, "\(migrate.stderr)")
        let again = try await CLIRunner.run(["migrate", "--pg", conninfo])
        #expect(again.stdout.contains("Nothing to apply"))
        let pg = try await CLIRunner.run(["SampleData/dashboard.sql", "--pg", conninfo, "--format", "csv"], timeout: 300)
        let lite = try await CLIRunner.run(["SampleData/dashboard.sql", "--db", "SampleData/sample.db", "--format", "csv"], timeout: 300)
        #expect(pg.status == 0, "\(pg.stderr)")
        #expect(lite.status == 0, "\(lite.stderr)")
        let pgRows = CSV.parse(pg.stdout)
        let liteRows = CSV.parse(lite.stdout)
        #expect(pgRows.count > 20)
        let firstDifference = zip(pgRows, liteRows).first { $0 != $1 }.map { "postgres \($0.0) vs sqlite \($0.1)" }
        #expect(pgRows.count == liteRows.count && firstDifference == nil, "\(firstDifference ?? "row counts differ: \(pgRows.count) vs \(liteRows.count)")")
    }
}

/// A minimal CSV reader (quotes, doubled quotes, embedded newlines) to compare results whose
/// quoting differs by engine convention.
enum CSV {
    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = Array(text).makeIterator()
        var pending: Character? = nil
        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                    } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(field); field = ""
            } else if c == "\n" {
                row.append(field); field = ""
                rows.append(row); row = []
            } else {
                field.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}
