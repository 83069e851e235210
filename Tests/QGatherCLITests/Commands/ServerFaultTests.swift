import Foundation
import Testing

/// The PostgreSQL server going away mid-batch, on a private throwaway server (stopping the shared
/// test server would break the tests running beside this one).
@Suite struct ServerFaultTests {
    /// Runs a batch of long queries on a private server, stops the server once they are running,
    /// and reports qgather's exit status and how long it took to exit after the stop.
    static let script = #"""
        set -u
        qgather=$1; batch=$2; out=$3
        "$qgather" "$batch" --pg --keep-going --format csv > "$out.stdout" 2> "$out.stderr" &
        pid=$!
        for _ in $(seq 1 200); do
            n=$(psql -XAtc "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'qgather' AND state = 'active'")
            [ "$n" = 2 ] && break
            sleep 0.1
        done
        echo "active=$n"
        runuser -u "$QGATHER_TEST_PGOSUSER" -- "$QGATHER_TEST_PGBIN/pg_ctl" stop -D "$QGATHER_TEST_PGDATA" -m immediate > /dev/null
        stopped=$(date +%s%N)
        wait "$pid"; rc=$?
        echo "rc=$rc"
        echo "ms=$(( ($(date +%s%N) - stopped) / 1000000 ))"
        """#

    @Test func serverStoppedMidBatchFailsTheRunningQueriesPromptly() async throws {
        let dir = try TemporaryDirectory()
        let batch = try dir.write("b.sql", "SELECT pg_sleep(30);\nSELECT pg_sleep(30);\n")
        let scriptPath = try dir.write("fault.sh", Self.script)
        var environment = ProcessInfo.processInfo.environment
        environment["QGATHER_TEST_PG"] = nil  // with-postgres then starts a private server
        let process = Process()
        process.executableURL = CLIRunner.packageRoot.appendingPathComponent("Scripts/with-postgres")
        process.arguments = ["bash", scriptPath, CLIRunner.binary, batch, dir.path("run")]
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        let report = try await OffPool.run {
            try process.run()
            defer { process.waitUntilExit() }
            return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        }
        #expect(report.contains("active=2"), "\(report)")
        #expect(report.contains("rc=1"), "\(report)")
        let milliseconds = report.split(separator: "\n").first { $0.hasPrefix("ms=") }.flatMap { Int($0.dropFirst(3)) }
        #expect((milliseconds ?? .max) < 5_000, "\(report)")
        let stderr = (try? String(contentsOfFile: dir.path("run.stderr"), encoding: .utf8)) ?? ""
        #expect(stderr.contains("q1:") && stderr.contains("q2:"), "\(stderr)")
        #expect(stderr.contains("qgather: 2 of 2 queries failed"), "\(stderr)")
    }
}
