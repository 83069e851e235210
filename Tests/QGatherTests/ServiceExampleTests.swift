import Foundation
import Testing

/// The README's service example (Examples/ServiceExample) is the README's code, byte for byte,
/// and runs on both engines with the same output.
@Suite struct ServiceExampleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs a program built next to the test bundle, on a thread of its own, and returns its
    /// status and output.
    static func run(_ program: String, _ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await OffPool.run { try runBlocking(program, arguments) }
    }

    private static func runBlocking(_ program: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(program)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    static let expected = """
        order 1 for O'Brien: 19.5
        order 3 for O'Brien: 42.0
        3 orders, 61.5 at or above 10.0

        """

    @Test func theExampleRunsOnSQLite() async throws {
        let result = try await Self.run("ServiceExample", [])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == Self.expected)
    }

    @Test func theExampleRunsOnPostgres() async throws {
        let result = try await Self.run("ServiceExample", [try TestDatabases.postgresConninfo()])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == Self.expected)
    }

    @Test func theReadmeShowsTheExampleByteForByte() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let source = try String(contentsOf: Self.root.appendingPathComponent("Examples/ServiceExample/ServiceExample.swift"), encoding: .utf8)
        #expect(readme.contains("```swift\n" + source + "```\n"))
    }
}
