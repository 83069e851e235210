import Foundation
import Testing

/// A PostgreSQL server of one test's own, started by `Scripts/with-postgres`, for faults that
/// would break the shared test server (a restart, say). `stop()` shuts it down and deletes it.
final class PrivatePostgresServer: Sendable {
    /// The server's libpq conninfo.
    let conninfo: String
    private let dataDirectory: String
    private let binDirectory: String
    private let osUser: String
    private let logFile: String
    private let process: Process
    private let input: Pipe

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Starts the server and waits, off the cooperative pool, until it takes connections.
    static func start() async throws -> PrivatePostgresServer {
        try await OffPool.run { try PrivatePostgresServer() }
    }

    /// Starts the server and waits until it takes connections, blocking the calling thread.
    private init() throws {
        process = Process()
        process.executableURL = Self.packageRoot.appendingPathComponent("Scripts/with-postgres")
        // with-postgres runs this shell while the server is up: it reports the server, then waits
        // for its standard input to close.
        process.arguments = ["bash", "-c", #"""
            printf '%s\n' "$QGATHER_TEST_PG" "$QGATHER_TEST_PGDATA" "$QGATHER_TEST_PGBIN" "$QGATHER_TEST_PGOSUSER" "$QGATHER_TEST_PGLOG"
            cat > /dev/null
            """#]
        var environment = ProcessInfo.processInfo.environment
        environment["QGATHER_TEST_PG"] = nil  // so with-postgres starts a new server
        process.environment = environment
        input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        // Our ends of the pipes must not leak into later children (the postmaster that
        // `restart` starts would hold the script's standard input open forever).
        _ = fcntl(input.fileHandleForWriting.fileDescriptor, F_SETFD, FD_CLOEXEC)
        _ = fcntl(output.fileHandleForReading.fileDescriptor, F_SETFD, FD_CLOEXEC)
        process.standardError = FileHandle.nullDevice
        try process.run()
        var lines: [String] = []
        var buffer = Data()
        while lines.count < 5 {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }  // the script ended before reporting: the server did not start
            buffer.append(chunk)
            lines = String(decoding: buffer, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        }
        guard lines.count >= 5, !lines[0].isEmpty else {
            try? input.fileHandleForWriting.close()  // teardown of a start that already failed: the error below is the one to report
            process.waitUntilExit()
            throw ServerError(message: "Scripts/with-postgres did not start a private server")
        }
        (conninfo, dataDirectory, binDirectory, osUser, logFile) = (lines[0], lines[1], lines[2], lines[3], lines[4])
    }

    /// `pg_ctl restart -m MODE`: the postmaster ends every session and starts again; returns once
    /// the server takes connections. Runs on a thread of its own (it blocks for a second or so),
    /// and waits for `pg_ctl` with `waitpid` itself: Foundation's `Process` left it unreaped here.
    func restart(mode: String = "fast") async throws {
        let pgctl = binDirectory + "/pg_ctl"
        var arguments = [pgctl, "restart", "-D", dataDirectory, "-m", mode, "-w", "-l", logFile]
        if getuid() == 0 { arguments = ["/usr/sbin/runuser", "-u", osUser, "--"] + arguments }
        let command = arguments
        let status: Int32 = await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: Self.spawnAndWait(command)) }
            thread.start()
        }
        guard status == 0 else { throw ServerError(message: "pg_ctl restart exited with status \(status)") }
    }

    /// Runs `command` (an absolute path and its arguments) with /dev/null for its output and
    /// returns its wait status.
    private static func spawnAndWait(_ command: [String]) -> Int32 {
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        // The postmaster pg_ctl starts outlives the test: it must not hold other tests' pipes open.
        let descriptors = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap { Int32($0) }  // without /proc nothing is closed, as before
        for descriptor in descriptors where descriptor > 2 { posix_spawn_file_actions_addclose(&actions, descriptor) }
        let argv = command.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, command[0], &actions, nil, argv, environ) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return status
    }

    /// Stops the server and deletes its files: with its standard input closed, the script that
    /// holds the server open ends, and with-postgres stops the server and removes its directory.
    func stop() {
        try? input.fileHandleForWriting.close()  // closing our own pipe end; the wait below tells whether the server stopped
        // waitpid directly (see `restart`); ECHILD means Foundation reaped it after all.
        let pid = process.processIdentifier
        var status: Int32 = 0
        for _ in 0..<600 {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid || (reaped == -1 && errno == ECHILD) { return }
            usleep(50_000)
        }
    }

    struct ServerError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}
