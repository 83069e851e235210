import Foundation
import Testing

/// `--snapshot` on SQLite takes the write lock for a moment while its connections open. A
/// process that commits in a tight loop holds that lock nearly always, and SQLite keeps no
/// queue for it: the set-up must still get it within the busy timeout, run after run.
@Suite(.serialized, .timeLimit(.minutes(6))) struct SnapshotBusyWriterTests {
    @Test func twentyRunsInARowSucceedWhileAnotherProcessInsertsThroughout() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir, sql: "CREATE TABLE t (x INTEGER);")
        _ = try await CLIRunner.tool("/usr/bin/sqlite3", [db, "PRAGMA journal_mode = WAL"])
        // The writer: a process committing one INSERT at a time, as fast as it can, until the test
        // ends (five minutes at most): the runs below may wait for a turn among the suite's runs.
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        writer.arguments = ["python3", "-c", """
            import sqlite3, sys, time
            db = sqlite3.connect(sys.argv[1], timeout=5, isolation_level=None)
            end = time.monotonic() + 300
            while time.monotonic() < end:
                db.execute("INSERT INTO t VALUES (1)")
            """, db]
        writer.standardOutput = FileHandle.nullDevice
        writer.standardError = FileHandle.nullDevice
        try writer.run()
        defer {
            kill(writer.processIdentifier, SIGKILL)
            writer.waitUntilExit()
        }
        try await Task.sleep(for: .milliseconds(300))
        let batch = try dir.write("counts.sql", String(repeating: "SELECT count(*) AS n FROM t;\n", count: 16))
        var failures: [String] = []
        for run in 1...20 {
            let result = try await CLIRunner.run([batch, "--db", db, "--jobs", "16", "--snapshot", "--format", "csv", "--no-header"], timeout: 30)
            let counts = Set(result.stdout.split(separator: "\n").filter { !$0.isEmpty })
            if result.status != 0 || counts.count != 1 {
                failures.append("run \(run): exit \(result.status), \(counts.count) distinct counts, \(result.stderr)")
            }
        }
        #expect(writer.isRunning, "the writer stopped before the 20 runs were done")
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }
}
