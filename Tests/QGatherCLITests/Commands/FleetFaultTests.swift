import Foundation
import Testing

/// Servers of a fan-out or a spread going away mid-batch, on a private fleet (stopping the
/// shared servers would break the tests running beside these).
@Suite(.serialized) struct FleetFaultTests {
    /// Runs `script` (bash) under a private `Scripts/with-fleet` and returns what it printed.
    private static func underPrivateFleet(_ script: String, _ arguments: [String]) async throws -> String {
        try await OffPool.run { try underPrivateFleetBlocking(script, arguments) }
    }

    private static func underPrivateFleetBlocking(_ script: String, _ arguments: [String]) throws -> String {
        let dir = try TemporaryDirectory()
        let path = try dir.write("fault.sh", script)
        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys where key.hasPrefix("QGATHER_TEST_FLEET") { environment[key] = nil }
        let process = Process()
        process.executableURL = CLIRunner.packageRoot.appendingPathComponent("Scripts/with-fleet")
        process.arguments = ["bash", path] + arguments
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        let log = dir.path("fleet.log")
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: log)
        try process.run()
        let report = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // What the fleet script said goes with the report, for a failing expectation to show; a
        // log that cannot be read only leaves that out (the expectations still check the report).
        return report + ((try? String(contentsOfFile: log, encoding: .utf8)).map { "\n[with-fleet] " + $0 } ?? "")
    }

    /// Stops the server of data directory $1 at once (as its owner when running as root).
    static let stopServer = #"""
        stop_server() {
            if [ "$(id -u)" = 0 ]; then runuser -u "$QGATHER_TEST_PGOSUSER" -- "$QGATHER_TEST_PGBIN/pg_ctl" stop -D "$1" -m immediate > /dev/null
            else "$QGATHER_TEST_PGBIN/pg_ctl" stop -D "$1" -m immediate > /dev/null; fi
        }
        active() { psql -XAtd "$1" -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'qgather' AND state = 'active'"; }
        """#

    @Test func keepGoingWithOneServerStoppedMidBatchReportsItsPairsAndKeepsTheOthers() async throws {
        let dir = try TemporaryDirectory()
        let batch = try dir.write("b.sql", "SELECT 1 AS one, pg_sleep(3) IS NULL AS slept;\nSELECT 2 AS one, pg_sleep(3) IS NULL AS slept;\n")
        let report = try await Self.underPrivateFleet(Self.stopServer + "\n" + #"""
            qgather=$1; batch=$2; out=$3
            "$qgather" "$batch" --pg "$QGATHER_TEST_FLEET_A" --pg "$QGATHER_TEST_FLEET_B" --keep-going --per-target 2 --format csv \
                > "$out.stdout" 2> "$out.stderr" &
            pid=$!
            for _ in $(seq 1 200); do [ "$(active "$QGATHER_TEST_FLEET_B")" = 2 ] && break; sleep 0.1; done
            stop_server "$QGATHER_TEST_FLEET_B_DATA"
            wait "$pid"; echo "rc=$?"
            """#, [CLIRunner.binary, batch, dir.path("run")])
        #expect(report.contains("rc=1"), "\(report)")
        let stdout = try String(contentsOfFile: dir.path("run.stdout"), encoding: .utf8)
        let stderr = try String(contentsOfFile: dir.path("run.stderr"), encoding: .utf8)
        // Server A's rows arrive; B's two pairs fail, each on a line of its own naming B.
        #expect(stdout.split(separator: "\n").filter { $0.hasSuffix(",1,f") || $0.hasSuffix(",2,f") }.count == 2, "\(stdout)")
        let lines = stderr.split(separator: "\n")
        #expect(lines.filter { $0.contains("/qgather_test: \(batch):") }.count == 2, "\(stderr)")
        #expect(stderr.hasSuffix("qgather: 2 of 4 query runs failed\n"), "\(stderr)")
    }

    @Test func spreadServesTheStandbysQueriesFromThePrimaryOnceTheStandbyStops() async throws {
        let dir = try TemporaryDirectory()
        let batch = try dir.write("b.sql", String(repeating: "SELECT pg_sleep(0.1) IS NULL AS slept;\n", count: 200))
        let report = try await Self.underPrivateFleet(Self.stopServer + "\n" + #"""
            qgather=$1; batch=$2; out=$3
            printf 'primary %s\nstandby %s\n' "$QGATHER_TEST_FLEET_A" "$QGATHER_TEST_FLEET_STANDBY" > "$out.targets"
            "$qgather" "$batch" --targets "$out.targets" --spread --per-target 2 --format csv --timing-json "$out.json" \
                > "$out.stdout" 2> "$out.stderr" &
            pid=$!
            for _ in $(seq 1 200); do [ "$(active "$QGATHER_TEST_FLEET_STANDBY")" = 2 ] && break; sleep 0.05; done
            sleep 0.5
            stop_server "$QGATHER_TEST_FLEET_STANDBY_DATA"
            wait "$pid"; echo "rc=$?"
            """#, [CLIRunner.binary, batch, dir.path("run")])
        // Absent only if the script failed before starting qgather: the rc expectation below then
        // fails and shows the report; this is only context for its message.
        let stderr = (try? String(contentsOfFile: dir.path("run.stderr"), encoding: .utf8)) ?? ""
        #expect(report.contains("rc=0"), "\(report) \(stderr)")
        let stdout = try String(contentsOfFile: dir.path("run.stdout"), encoding: .utf8)
        #expect(stdout == String(repeating: "slept\nf\n\n", count: 200).dropLast() + "", "\(stdout)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.path("run.json")))) as! [String: Any]
        let served = (json["queries"] as! [[String: Any]]).map { $0["target"] as? String ?? "-" }
        #expect(served.contains("standby") && served.suffix(10).allSatisfy { $0 == "primary" }, "\(served)")
    }
}
