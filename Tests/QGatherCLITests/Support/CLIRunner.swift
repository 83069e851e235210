import Foundation
import Synchronization
import Testing

/// Runs the built `qgather` executable and captures its exit status and output.
enum CLIRunner {
    /// What one run of the binary produced.
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        let seconds: Double
    }

    /// The package root (this file is Tests/QGatherCLITests/Support/CLIRunner.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The `qgather` executable: `QGATHER_BIN`, or the one built next to the test bundle.
    static let binary: String = {
        if let path = ProcessInfo.processInfo.environment["QGATHER_BIN"] { return path }
        let buildDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return buildDirectory.appendingPathComponent("qgather").path
    }()

    /// Starts the binary with `arguments`; standard output and error go to temporary files.
    /// With `user`, it runs as that OS user through `runuser` (the tests run as root in CI).
    /// `executable` runs instead of the built binary (a copy another user may run).
    static func start(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
                      directory: URL? = nil, discardOutput: Bool = false, user: String? = nil, executable: String? = nil) throws -> (Process, URL, URL) {
        let process = Process()
        let binary = executable ?? binary
        if let user {
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
            process.arguments = ["-u", user, "--", binary] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
        }
        var env = ProcessInfo.processInfo.environment
        // No duration history unless a test asks for one: start order stays file order.
        env["QGATHER_HISTORY"] = "off"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.currentDirectoryURL = directory ?? packageRoot
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("qgather-out-\(UUID().uuidString)")
        let err = FileManager.default.temporaryDirectory.appendingPathComponent("qgather-err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = discardOutput ? FileHandle.nullDevice : try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        if let stdin {
            let input = FileManager.default.temporaryDirectory.appendingPathComponent("qgather-in-\(UUID().uuidString)")
            try stdin.write(to: input, atomically: true, encoding: .utf8)
            process.standardInput = try FileHandle(forReadingFrom: input)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        return (process, out, err)
    }

    /// Waits for a started process (killing it after `timeout` seconds) and collects its output,
    /// on a thread of its own (see `OffPool`).
    static func finish(_ process: Process, _ out: URL, _ err: URL, started: Date, timeout: Double = 60) async -> Result {
        // A body that cannot throw: the force is never reached.
        let (result, timedOut) = try! await OffPool.run { finishBlocking(process, out, err, started: started, timeout: timeout) }
        if timedOut { Issue.record("qgather did not finish within \(timeout) s") }
        return result
    }

    /// `finish` on the calling thread; whether the process had to be killed is returned, since
    /// only the test's task can record the issue.
    private static func finishBlocking(_ process: Process, _ out: URL, _ err: URL, started: Date, timeout: Double) -> (Result, Bool) {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        let timedOut = process.isRunning
        if timedOut {
            process.terminate()
            process.waitUntilExit()
        }
        process.waitUntilExit()
        let result = Result(status: process.terminationStatus,
                            stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "",
                            seconds: Date().timeIntervalSince(started))
        try? FileManager.default.removeItem(at: out)
        try? FileManager.default.removeItem(at: err)
        return (result, timedOut)
    }

    /// Runs the binary to completion, waiting on a thread of its own (see `OffPool`), as one of
    /// at most `RunSlots.limit` such runs at a time.
    static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
                    directory: URL? = nil, timeout: Double = 60, user: String? = nil, executable: String? = nil) async throws -> Result {
        await RunSlots.shared.acquire()
        defer { RunSlots.shared.release() }
        let started = Date()
        let (process, out, err) = try start(arguments, stdin: stdin, environment: environment, directory: directory, user: user,
                                            executable: executable)
        return await finish(process, out, err, started: started, timeout: timeout)
    }

    /// Runs another program (sqlite3, psql) and returns its standard output, waiting on a thread
    /// of its own (see `OffPool`).
    static func tool(_ path: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> (status: Int32, stdout: String) {
        try await OffPool.run { try toolBlocking(path, arguments, environment: environment) }
    }

    private static func toolBlocking(_ path: String, _ arguments: [String], environment: [String: String]) throws -> (status: Int32, stdout: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// Bounds how many `CLIRunner.run`s go at once. Swift Testing starts every test together, and
/// the suite's hundred short CLI runs would otherwise all start at the same moment on two cores,
/// starving the timing-sensitive tests beside them (a progress line, a SIGINT mid-query). A test
/// that starts a process itself (`start`) is not bounded: it is the one whose timing matters.
/// A suite's time limit counts the wait for a turn: on a loaded machine that is a minute or more.
final class RunSlots: Sendable {
    static let limit = 2
    static let shared = RunSlots(limit)

    private let state: Mutex<(free: Int, waiters: [CheckedContinuation<Void, Never>])>

    init(_ count: Int) { state = Mutex((count, [])) }

    /// Waits for a free slot.
    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLock { state -> Bool in
                if state.free > 0 { state.free -= 1; return true }
                state.waiters.append(continuation)
                return false
            }
            if granted { continuation.resume() }
        }
    }

    /// Frees a slot, handing it to the longest waiter if there is one.
    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiters.isEmpty { state.free += 1; return nil }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}

/// A temporary directory removed when the test is done with it.
final class TemporaryDirectory {
    let url: URL

    /// A new directory in `parent` (default: the temporary directory), with `permissions` if given.
    init(parent: URL = FileManager.default.temporaryDirectory, permissions: Int? = nil) throws {
        url = parent.appendingPathComponent("qgather-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        if let permissions { try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: url.path) }
    }

    /// A path inside the directory.
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes `text` to `name` and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let path = path(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}
