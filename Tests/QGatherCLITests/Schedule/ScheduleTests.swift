import Foundation
@testable import QGatherCLI
import QGather
import Testing

/// `--schedule longest-first`: queries that took long in earlier runs start first; results
/// still print in file order.
@Suite struct ScheduleTests {
    static let slow = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1500000) SELECT count(*) AS n FROM c"

    @Test func knownLongQueriesGoFirstAndTheRestKeepFileOrder() {
        let queries = (0..<5).map { Query("q\($0)", index: $0) }
        let durations: [Int: Duration] = [1: .milliseconds(5), 3: .milliseconds(40), 4: .seconds(2)]
        let planned = StartSchedule.longestFirst(queries) { durations[$0.index] }
        #expect(planned?.order == [4, 3, 0, 1, 2])
        #expect(planned?.moved == 2)
        #expect(StartSchedule.longestFirst(queries) { _ in nil } == nil)
    }

    @Test func theSecondRunStartsTheLongestQueryFirstAndPrintsInFileOrder() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let batch = try dir.write("b.sql", "SELECT 1 AS a;\nSELECT 2 AS a;\nSELECT 3 AS a;\n\(Self.slow);\n")
        let environment = ["QGATHER_HISTORY": "on", "XDG_CACHE_HOME": dir.path("cache")]
        let arguments = [batch, "--db", db, "--jobs", "1", "--format", "csv", "--timing", "--timing-json", dir.path("t.json")]
        let first = try await CLIRunner.run(arguments, environment: environment)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("order: file order"), "\(first.stderr)")
        let second = try await CLIRunner.run(arguments, environment: environment)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout == first.stdout)
        #expect(second.stdout.hasPrefix("a\n1\n\na\n2\n\na\n3\n\nn\n1500000\n"))
        // The long query moved; a quick one too if it took 10 ms or more on a loaded machine.
        #expect(["1", "2", "3"].contains { second.stderr.contains("order: longest first (\($0) of 4 queries moved to the front by earlier runs' times)") },
                "\(second.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.path("t.json")))) as! [String: Any]
        let starts = (json["queries"] as! [[String: Any]]).map { $0["start_ms"] as! Double }
        #expect(starts[3] < starts[0], "the long query started after the first: \(starts)")
        let history = try String(contentsOfFile: dir.path("cache/qgather/durations"), encoding: .utf8)
        // The long query is remembered; a quick one only if it took 10 ms or more on this
        // (loaded) machine in one of the runs.
        #expect((1...4).contains(history.split(separator: "\n").count))
        #expect(!history.contains("SELECT") && !history.contains("1500000"), "the history holds SQL: \(history)")
        let fileOrder = try await CLIRunner.run(arguments + ["--schedule", "file-order"], environment: environment)
        let json2 = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.path("t.json")))) as! [String: Any]
        let starts2 = (json2["queries"] as! [[String: Any]]).map { $0["start_ms"] as! Double }
        #expect(fileOrder.status == 0)
        #expect(starts2[0] < starts2[3], "\(starts2)")
    }

    @Test func quickQueriesAddNothingToTheHistory() async throws {
        let dir = try TemporaryDirectory()
        let batch = try dir.write("quick.sql", String(repeating: "SELECT 1;\n", count: 300))
        let result = try await CLIRunner.run([batch, "--db", ":memory:", "--format", "csv"],
                                                    environment: ["QGATHER_HISTORY": "on", "XDG_CACHE_HOME": dir.path("cache")])
        #expect(result.status == 0, "\(result.stderr)")
        // None of them can move in a later run, so none is kept (a batch of millions must not
        // grow the process per query); one that took 10 ms on a loaded machine may be.
        let history = (try? String(contentsOfFile: dir.path("cache/qgather/durations"), encoding: .utf8)) ?? ""  // no file: nothing kept
        #expect(history.split(separator: "\n").count < 30, "\(history.split(separator: "\n").count) of 300 quick queries kept")
    }

    @Test func aDamagedHistoryIsIgnoredWithAWarning() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        try FileManager.default.createDirectory(atPath: dir.path("cache/qgather"), withIntermediateDirectories: true)
        try dir.write("cache/qgather/durations", "not a history\n")
        let batch = try dir.write("b.sql", "SELECT 1;\n")
        let result = try await CLIRunner.run([batch, "--db", db, "--format", "csv"],
                                                    environment: ["QGATHER_HISTORY": "on", "XDG_CACHE_HOME": dir.path("cache")])
        #expect(result.status == 0)
        #expect(result.stderr == "qgather: warning: \(dir.path("cache/qgather/durations")): the duration history is damaged; it starts over\n")
        #expect(result.stdout == "1\n1\n")
        let rewritten = try String(contentsOfFile: dir.path("cache/qgather/durations"), encoding: .utf8)
        #expect(!rewritten.contains("not a history"))
    }
}
