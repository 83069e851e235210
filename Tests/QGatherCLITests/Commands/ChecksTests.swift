import Foundation
import Testing

/// Batches of checks: `-- expect:` and `-- timeout:` directives, `--format junit`, `-c`.
@Suite struct ChecksTests {
    @Test func theSampleChecksPassAndFailAsWrittenAndSayWhatCameBack() async throws {
        let result = try await CLIRunner.run(["SampleData/checks.sql", "--db", "SampleData/sample.db", "--keep-going", "--format", "ndjson"],
                                       directory: CLIRunner.packageRoot)
        #expect(result.status == 1)
        let objects = try result.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(objects.map { $0["status"] as! String } == ["ok", "ok", "ok", "ok", "ok", "failed-check", "failed-check"])
        #expect((objects[5]["error"] as! [String: Any])["code"] as? String == "failed_check")
        #expect(result.stderr == """
            SampleData/checks.sql:32: every_customer_has_a_phone: check failed: expected no rows, got 339: (3, Pierre, Taylor), (9, Barbara, Moore), (15, Mateo, Jackson), ...
            SampleData/checks.sql:36: only_known_statuses: check failed: expected no rows, got 2: (cancelled, 1113), (returned, 836)
            qgather: 2 of 7 queries failed

            """)
    }

    @Test func aFailedCheckCancelsTheRestUnderFailFast() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let batch = try dir.write("c.sql", "-- expect: no rows\nSELECT id FROM customers;\n\(Fixtures.runaway);\n")
        let result = try await CLIRunner.run([batch, "--db", db, "--jobs", "2"], timeout: 30)
        #expect(result.status == 1)
        #expect(result.seconds < 10)
        #expect(result.stderr.hasPrefix("\(batch):2: q1: check failed: expected no rows, got 4: (1), (2), (3), ...\n"), "\(result.stderr)")
        #expect(result.stderr.hasSuffix("qgather: 1 of 2 queries failed, 1 cancelled\n"), "\(result.stderr)")
    }

    @Test func aTimeoutDirectiveOverridesTimeoutForItsQueryOnly() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let batch = try dir.write("c.sql", "-- name: slow\n-- timeout: 300ms\n\(Fixtures.runaway);\n-- name: quick\nSELECT 1;\n")
        let result = try await CLIRunner.run([batch, "--db", db, "--keep-going", "--timeout", "1h", "--format", "csv"], timeout: 30)
        #expect(result.status == 1)
        #expect(result.seconds < 10)
        #expect(result.stderr.hasPrefix("\(batch):3: slow: timed out after 300ms"), "\(result.stderr)")
        #expect(result.stdout.hasSuffix("\n1\n1\n"), "\(result.stdout)")
    }

    @Test func aMalformedDirectiveStopsTheRunBeforeAnythingRuns() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let batch = try dir.write("c.sql", "DELETE FROM orders;\n-- expect: fewer rows\nSELECT 1;\n")
        let result = try await CLIRunner.run([batch, "--db", db])
        #expect(result.status == 2)
        #expect(result.stderr == "qgather: \(batch):2: 'expect: fewer rows' is not an expectation: use no rows, rows = N (or !=, <, <=, >, >= N), or value = TEXT\n")
        #expect(try await CLIRunner.run(["-c", "SELECT count(*) FROM orders", "--db", db, "--format", "csv", "--no-header"]).stdout == "4\n")
    }

    @Test func junitIsReadByARealConsumer() async throws {
        let dir = try TemporaryDirectory()
        let result = try await CLIRunner.run(["SampleData/checks.sql", "-c", "SELECT * FROM nowhere", "--db", "SampleData/sample.db", "--keep-going",
                                        "--format", "junit"], directory: CLIRunner.packageRoot)
        #expect(result.status == 1)
        let report = try dir.write("report.xml", result.stdout)
        let read = try await JUnitConsumer.read(report)
        #expect(read.first == "tests=8 failures=2 errors=1 skipped=0")
        let cases = read.dropFirst().map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
        #expect(cases.map { $0[1] } == ["no_empty_orders", "quantities_are_positive", "no_order_before_signup", "five_order_statuses",
                                        "customers_in_ten_countries_or_more", "every_customer_has_a_phone", "only_known_statuses", "q8"])
        #expect(cases.prefix(7).allSatisfy { $0[0] == "SampleData/checks.sql" })
        #expect(cases[7][0] == "<command 1>")
        #expect(cases.map { $0[3] } == ["Passed", "Passed", "Passed", "Passed", "Passed", "Failure", "Failure", "Error"])
        #expect(cases[6][4] == "check failed: expected no rows, got 2: (cancelled, 1113), (returned, 836)")
        #expect(cases[7][4] == "no such table: nowhere")
    }

    @Test func junitMarksCancelledQueriesSkippedAndEscapesMarkup() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let batch = try dir.write("c.sql", "-- name: a<b>&\"c\"\n-- expect: value = <none>\nSELECT 'x<&>\u{1}y';\nSELECT 1;\n")
        let result = try await CLIRunner.run([batch, "--db", db, "--jobs", "1", "--format", "junit"])
        #expect(result.status == 1)
        let read = try await JUnitConsumer.read(try dir.write("r.xml", result.stdout))
        #expect(read.first == "tests=2 failures=1 errors=0 skipped=1")
        #expect(read[1].hasPrefix("\(batch)|a<b>&\"c\"|"), "\(read)")
        #expect(read[1].hasSuffix("|Failure|check failed: expected value = <none>, got 'x<&>\u{FFFD}y'"), "\(read)")
        #expect(read[2].contains("|Skipped|cancelled"), "\(read)")
    }

    @Test func commandsRunInArgumentOrderWithFiles() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let file = try dir.write("f.sql", "SELECT 'file' AS source;")
        let result = try await CLIRunner.run(["-c", "SELECT 'first' AS source", file, "--command", "SELECT 'last' AS source; SELECT 'after' AS source",
                                        "--db", db, "--format", "csv", "--no-header"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "first\n\nfile\n\nlast\n\nafter\n")
        let listed = try await CLIRunner.run(["--list", "-c", "SELECT 1", file])
        #expect(listed.stdout.contains("<command 1>:1"), "\(listed.stdout)")
        let failing = try await CLIRunner.run(["-c", "SELECT * FROM nowhere", "--db", db])
        #expect(failing.stderr.hasPrefix("<command 1>:1: q1: no such table: nowhere\n"), "\(failing.stderr)")
    }

    @Test func checksFanOutToOneTestCasePerQueryAndTarget() async throws {
        let dir = try TemporaryDirectory()
        let a = try await Fixtures.database(in: dir, name: "a.db")
        let b = try await Fixtures.database(in: dir, sql: Fixtures.shopSQL + "\nDELETE FROM orders;", name: "b.db")
        let batch = try dir.write("c.sql", "-- name: has_orders\n-- expect: rows >= 1\nSELECT id FROM orders;\n")
        let result = try await CLIRunner.run([batch, "--db", a, b, "--keep-going", "--format", "junit"])
        #expect(result.status == 1)
        let read = try await JUnitConsumer.read(try dir.write("r.xml", result.stdout))
        #expect(read.first == "tests=2 failures=1 errors=0 skipped=0")
        #expect(read[1].hasPrefix("\(batch)|has_orders [a]|") && read[1].contains("|Passed|"), "\(read)")
        #expect(read[2].hasPrefix("\(batch)|has_orders [b]|") && read[2].hasSuffix("|Failure|check failed: expected rows >= 1, got 0"), "\(read)")
        #expect(result.stderr.hasPrefix("b: \(batch):3: has_orders: check failed: expected rows >= 1, got 0\n"), "\(result.stderr)")
    }
}
