import Foundation
import Testing

/// The README's library examples type-check against the public API alone. A test target of this
/// package sees `package` symbols too, so the examples are compiled by `swiftc` against the built
/// `QGather` module from outside the package, as a user's program would be.
@Suite struct PublicAPITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `swiftc -typecheck` of `source` as a program's main file that imports the built `QGather`;
    /// returns the exit status and the compiler's messages.
    static func typecheck(_ source: String) throws -> (status: Int32, messages: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qgather-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Scratch space only: a directory left behind changes nothing this test checks.
        defer { try? FileManager.default.removeItem(at: directory) }
        // A program with an `@main` type is a library-style file, not top-level code.
        let hasMainType = source.contains("\n@main\n")
        let main = directory.appendingPathComponent(hasMainType ? "Example.swift" : "main.swift")
        try source.write(to: main, atomically: true, encoding: .utf8)
        let modules = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("Modules").path
        let libpq = try run("/usr/bin/env", ["pkg-config", "--cflags-only-I", "libpq"]).messages
            .split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        let arguments = ["swiftc", "-typecheck", "-swift-version", "6", "-I", modules,
                         "-I", root.appendingPathComponent("Sources/QGatherCSQLite").path,
                         "-I", root.appendingPathComponent("Sources/QGatherCLibPQ").path]
            + libpq.flatMap { ["-Xcc", $0] } + (hasMainType ? ["-parse-as-library"] : []) + [main.path]
        return try run("/usr/bin/env", arguments)
    }

    private static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, messages: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// The README's ```swift blocks.
    static func readmeExamples() throws -> [String] {
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        var blocks: [String] = []
        var current: [Substring]?
        for line in readme.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```swift") {
                current = []
            } else if line.hasPrefix("```"), let lines = current {
                blocks.append(lines.joined(separator: "\n"))
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }

    @Test func everyReadmeExampleCompilesAgainstThePublicAPIAlone() async throws {
        let examples = try Self.readmeExamples()
        #expect(examples.count >= 2)
        for example in examples {
            let result = try await OffPool.run { try Self.typecheck(example) }  // the compiler, off the cooperative pool
            #expect(result.status == 0, "\(result.messages)\n--- in:\n\(example)")
        }
    }

    @Test(arguments: ["_ = ConnectionPool.self", "_ = Gatherer.self", "_ = QueryControl.self", "_ = RowChannel.self",
                      "_ = StatementKind.self", "_ = DurationText.self", "_ = SQLiteDriver.self"])
    func plumbingIsNotPublic(use: String) async throws {
        let result = try await OffPool.run { try Self.typecheck("import QGather\n\(use)\n") }
        #expect(result.status != 0)
        #expect(result.messages.contains("cannot find"), "\(result.messages)")
    }
}
