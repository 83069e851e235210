import Foundation
import Testing

/// Another client kept running while a test does its work: a `sqlite3` holding a write lock,
/// or a `psql` holding a connection. Commands go to its standard input; `start` returns once
/// the tool printed a marker line, so the lock or connection is known to be held.
final class HeldSession {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()

    /// Starts `tool` with `arguments`, sends `setup` and waits (up to 20 s) until it prints `marker`.
    init(_ tool: String, _ arguments: [String], setup: String, marker: String) throws {
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data((setup + "\n").utf8))
        var seen = ""
        let deadline = Date().addingTimeInterval(20)
        while !seen.contains(marker) && Date() < deadline && process.isRunning {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            seen += String(decoding: data, as: UTF8.self)
        }
        if !seen.contains(marker) {
            stop()
            throw HeldSessionError(message: "\(tool) did not print \(marker); it printed \(seen.debugDescription)")
        }
    }

    /// A `sqlite3` that holds `BEGIN IMMEDIATE` (readers go on, writers wait) or, with
    /// `exclusive`, `BEGIN EXCLUSIVE` (everyone waits) on `db` until stopped.
    static func sqliteWriter(_ db: String, exclusive: Bool = false) throws -> HeldSession {
        let begin = exclusive ? "BEGIN EXCLUSIVE;" : "BEGIN IMMEDIATE;"
        return try HeldSession("/usr/bin/sqlite3", [db], setup: "\(begin)\nUPDATE orders SET total = total;\n.print held", marker: "held")
    }

    /// A `psql` connected with `conninfo` until stopped.
    static func psql(_ conninfo: String) throws -> HeldSession {
        try HeldSession("/usr/bin/psql", ["-X", "-At", "-d", conninfo], setup: "SELECT 'held';", marker: "held")
    }

    /// Ends the session (closing its input ends the tool; a transaction left open is rolled back).
    func stop() {
        try? input.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    deinit { if process.isRunning { stop() } }
}

/// A held session that could not be set up.
struct HeldSessionError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
