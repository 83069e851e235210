import Foundation
import Testing

/// What a shell around `qgather` printed and how it ended.
private struct ShellResult {
    let status: Int32
    let stdout: String
    let stderr: String
    let seconds: Double
}

/// Runs `script` in bash with `"$@"` standing for the qgather binary and `arguments`, waiting
/// off the cooperative pool.
private func shell(_ script: String, _ arguments: [String]) async throws -> ShellResult {
    try await OffPool.run { try shellBlocking(script, arguments) }
}

private func shellBlocking(_ script: String, _ arguments: [String]) throws -> ShellResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["-c", script, "bash", CLIRunner.binary] + arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    let started = Date()
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ShellResult(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                       stderr: String(decoding: stderr, as: UTF8.self), seconds: Date().timeIntervalSince(started))
}

/// Output that cannot be written (a full device, a closed pipe, a file size limit, a full file
/// system) is never lost silently: one line says what and why, the running queries are
/// cancelled in the database, and the exit status says so (4; a closed pipe ends by SIGPIPE).
@Suite(.timeLimit(.minutes(5))) struct OutputFailureTests {
    /// A quick result, then a query that would run for 30 s, then another.
    private static func slowBatch(in dir: TemporaryDirectory) throws -> String {
        try dir.write("b.sql", "SELECT generate_series(1, 3) AS n;\nSELECT pg_sleep(30) AS s;\nSELECT 3 AS z;\n")
    }

    @Test func stdoutOnAFullDeviceIsOneLineAndCancelsTheQueriesInTheDatabase() async throws {
        let dir = try TemporaryDirectory()
        let app = PostgresServer.uniqueApplicationName()
        let result = try await shell(#""$@" > /dev/full"#, [try Self.slowBatch(in: dir), "--pg", try PostgresServer.conninfo(applicationName: app),
                                                       "--format", "csv"])
        #expect(result.status == 4)
        #expect(result.stderr == "qgather: standard output: cannot write: No space left on device\n")
        #expect(result.seconds < 20, "the 30 s query was not cancelled")
        await #expect(try PostgresServer.activeQueries(applicationName: app) == 0)
    }

    @Test func aFullDeviceStopsAQueryWhoseRowsAreStreaming() async throws {
        let dir = try TemporaryDirectory()
        let app = PostgresServer.uniqueApplicationName()
        let batch = try dir.write("rows.sql", "SELECT generate_series(1, 500000000) AS g, repeat('x', 50) AS pad;\n")
        let result = try await shell(#""$@" > /dev/full"#, [batch, "--pg", try PostgresServer.conninfo(applicationName: app), "--format", "csv"])
        #expect(result.status == 4)
        #expect(result.stderr == "qgather: standard output: cannot write: No space left on device\n")
        #expect(result.seconds < 20, "the streaming query ran on after the first failed write")
        await #expect(try PostgresServer.activeQueries(applicationName: app) == 0)
    }

    @Test(arguments: ["head -c 5 > /dev/null", "true"])
    func aClosedPipeCancelsTheRunningQueriesAndEndsBySIGPIPE(reader: String) async throws {
        let dir = try TemporaryDirectory()
        let app = PostgresServer.uniqueApplicationName()
        let result = try await shell(#""$@" | "# + reader + #"; exit ${PIPESTATUS[0]}"#,
                               [try Self.slowBatch(in: dir), "--pg", try PostgresServer.conninfo(applicationName: app), "--format", "csv"])
        #expect(result.status == 128 + SIGPIPE, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        #expect(result.seconds < 20, "the 30 s query was left running")
        await #expect(try PostgresServer.activeQueries(applicationName: app) == 0)
    }

    @Test func aFileSizeLimitOnStdoutIsOneLineAndExitFour() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let batch = try dir.write("big.sql", """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) SELECT i, 'row ' || i AS t FROM n;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) SELECT count(*) FROM n;

            """)
        let out = dir.path("out.csv")
        let result = try await shell(#"ulimit -f 1; "$@" > "# + out, [batch, "--db", db, "--format", "csv"])
        #expect(result.status == 4)
        #expect(result.stderr == "qgather: standard output: cannot write: File too large\n")
        #expect(result.seconds < 20, "the long count was not interrupted")
    }

    @Test func anOutDirOnAFullFileSystemNamesTheFileAndLeavesNoCutOffResult() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let batch = try dir.write("big.sql", """
            -- name: small
            SELECT 1 AS one;
            -- name: big
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) SELECT i, 'row ' || i AS t FROM n;
            -- name: long
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) SELECT count(*) FROM n;

            """)
        let reports = dir.path("reports")
        try FileManager.default.createDirectory(atPath: reports, withIntermediateDirectories: true)
        // A 32 KiB file system of its own, in a private mount namespace (a user namespace when not root).
        let namespace = geteuid() == 0 ? "unshare -m" : "unshare -rm"
        let script = namespace + #" bash -c 'dir=$1; shift; mount -t tmpfs -o size=32k tmpfs "$dir" || exit 99; "$@"; rc=$?; ls "$dir"; exit $rc' "#
            + "inner \"\(reports)\" \"$@\""
        let result = try await shell(script, [batch, "--db", db, "--format", "csv", "--out-dir", reports])
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.stderr == "qgather: \(reports)/big.csv: cannot write: No space left on device\n")
        #expect(result.stdout == "small.csv\n", "the directory holds: \(result.stdout)")
        #expect(result.seconds < 20, "the long count was not interrupted")
    }

    @Test func aTimingFileThatCannotBeWrittenIsExitFour() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let batch = try dir.write("one.sql", "SELECT 1 AS a;\n")
        let result = try await CLIRunner.run([batch, "--db", db, "--timing-json", "/dev/full"])
        #expect(result.status == 4)
        #expect(result.stderr == "qgather: /dev/full: cannot write: No space left on device\n")
        #expect(result.stdout == "-- q1 (line 1)\n a \n---\n 1\n(1 row)\n\n")
        let device = try FileManager.default.attributesOfItem(atPath: "/dev/full")[.type] as? FileAttributeType
        #expect(device == .typeCharacterSpecial, "a failed write removed /dev/full")
    }

    @Test func aMigrationReportThatCannotBeWrittenIsExitFourAfterTheMigrationApplied() async throws {
        let dir = try TemporaryDirectory()
        let migrations = dir.path("m")
        try FileManager.default.createDirectory(atPath: migrations, withIntermediateDirectories: true)
        try "CREATE TABLE a (x INTEGER);".write(toFile: migrations + "/0001_a.sql", atomically: true, encoding: .utf8)
        let result = try await shell(#""$@" > /dev/full"#, ["migrate", "--db", dir.path("new.db"), "--dir", migrations])
        #expect(result.status == 4)
        #expect(result.stderr == "qgather: standard output: cannot write: No space left on device\n")
        let tables = try await CLIRunner.tool("/usr/bin/sqlite3", [dir.path("new.db"), "SELECT name FROM sqlite_schema WHERE name = 'a'"])
        #expect(tables.stdout == "a\n")
    }

    @Test func aListingThatCannotBeWrittenIsExitFour() async throws {
        let dir = try TemporaryDirectory()
        let batch = try dir.write("one.sql", "SELECT 1 AS a;\n")
        let result = try await shell(#""$@" > /dev/full"#, ["--list", batch])
        #expect(result.status == 4)
        #expect(result.stderr == "qgather: standard output: cannot write: No space left on device\n")
    }
}
