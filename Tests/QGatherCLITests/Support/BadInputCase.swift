import Foundation
import Testing

/// A scratch directory for one bad-input case: a small SQLite database `shop.db` (built by
/// `qgather migrate`) and whatever files the case writes next to it.
final class BadInputWorkspace {
    let directory: TemporaryDirectory
    /// The fixture database, which no bad-input case may change.
    let db: String
    /// Standard input for the run, if the case sets one.
    var stdin: String?
    /// Helpers that must outlive the run (a silent server, a held session).
    var keepAlive: [AnyObject] = []

    init() async throws {
        directory = try TemporaryDirectory()
        db = try await Fixtures.database(in: directory)
    }

    /// A workspace in `parent`, open to every user (mode 0755), for runs as another user.
    init(parent: URL) async throws {
        directory = try TemporaryDirectory(parent: parent, permissions: 0o755)
        db = try await Fixtures.database(in: directory)
    }

    /// The workspace directory.
    var root: String { directory.url.path }

    /// A path inside the workspace (nothing is created).
    func path(_ name: String) -> String { directory.path(name) }

    /// Writes `text` to `name` and returns its path.
    func write(_ name: String, _ text: String) throws -> String {
        try directory.write(name, text)
    }

    /// Writes raw `bytes` to `name` and returns its path.
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let path = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Writes `prefix`, then `unit` `count` times, then `suffix`, in chunks (files of tens of
    /// megabytes without building them in memory), and returns the path.
    func writeRepeated(_ name: String, prefix: String = "", unit: String, count: Int, suffix: String = "") throws -> String {
        let path = path(name)
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.write(contentsOf: Data(prefix.utf8))
        let perChunk = max(1, (1 << 20) / max(1, unit.utf8.count))
        let chunk = Data(String(repeating: unit, count: perChunk).utf8)
        var written = 0
        while written + perChunk <= count {
            try handle.write(contentsOf: chunk)
            written += perChunk
        }
        try handle.write(contentsOf: Data(String(repeating: unit, count: count - written).utf8))
        try handle.write(contentsOf: Data(suffix.utf8))
        return path
    }
}

/// One row of the bad-input corpus: how to set the case up, and what the binary must answer.
///
/// Every case must exit with `status`, print nothing on stdout (unless `stdout` says what),
/// print exactly one stderr line containing `message` (plus the summary line when a query
/// failed, exit 1), finish within `maxSeconds`, and leave the workspace, database included,
/// exactly as it found it.
struct BadInputCase: Sendable, CustomTestStringConvertible {
    let name: String
    let status: Int32
    /// Writes the case's files and returns the command-line arguments.
    let arguments: @Sendable (BadInputWorkspace) async throws -> [String]
    /// Text the first stderr line must contain (paths are the workspace's); `…` stands for any text.
    let message: @Sendable (BadInputWorkspace) -> String
    /// The exact stdout expected, when it is not empty.
    var stdout: String = ""
    var maxSeconds: Double = 30

    var testDescription: String { name }

    /// The stderr lines expected: none on success, the error and the summary for a failed
    /// query, one line for everything else.
    var expectedStderrLines: Int {
        switch status {
        case 0: return 0
        case 1: return 2
        default: return 1
        }
    }

    init(_ name: String, exit status: Int32, message: @escaping @Sendable (BadInputWorkspace) -> String,
         stdout: String = "", maxSeconds: Double = 30, arguments: @escaping @Sendable (BadInputWorkspace) async throws -> [String]) {
        self.name = name
        self.status = status
        self.message = message
        self.stdout = stdout
        self.maxSeconds = maxSeconds
        self.arguments = arguments
    }

    /// A case whose SQL file `input.sql` holds `text`, run on the fixture database with `extra`
    /// flags; the message is `qgather: PATH` followed by `suffix`.
    static func sqlFile(_ name: String, _ text: String, exit status: Int32 = 2, suffix: String,
                        extra: [String] = []) -> BadInputCase {
        BadInputCase(name, exit: status, message: { "qgather: \($0.path("input.sql"))\(suffix)" }) { w in
            [try w.write("input.sql", text), "--db", w.db] + extra
        }
    }

    /// A case whose SQL file `input.sql` holds raw `bytes`.
    static func sqlBytes(_ name: String, _ bytes: [UInt8], suffix: String) -> BadInputCase {
        BadInputCase(name, exit: 2, message: { "qgather: \($0.path("input.sql"))\(suffix)" }) { w in
            [try w.write("input.sql", bytes: bytes), "--db", w.db]
        }
    }

    /// A case that runs `SELECT 1;` on the fixture database with extra flags; the message names the flag.
    static func flags(_ name: String, _ flags: [String], message: String) -> BadInputCase {
        BadInputCase(name, exit: 2, message: { _ in message }) { w in
            [try w.write("ok.sql", "SELECT 1;"), "--db", w.db] + flags
        }
    }
}

/// Runs one bad-input case and checks everything `BadInputCase` promises.
enum BadInputCheck {
    static func run(_ badCase: BadInputCase) async throws {
        let workspace = try await BadInputWorkspace()
        let arguments = try await badCase.arguments(workspace)
        let before = DirectorySnapshot(workspace.root)
        let result = try await CLIRunner.run(arguments, stdin: workspace.stdin, timeout: max(60, badCase.maxSeconds * 2))
        let after = DirectorySnapshot(workspace.root)
        verify(result, badCase, message: badCase.message(workspace))
        #expect(before == after, "\(badCase.name): the workspace changed: \(before.differences(from: after))")
    }

    /// The checks on one run's exit status, output and time.
    static func verify(_ result: CLIRunner.Result, _ badCase: BadInputCase, message: String) {
        let name = badCase.name
        #expect(result.status == badCase.status, "\(name): exit \(result.status), stderr: \(result.stderr)")
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(result.stderr.isEmpty || result.stderr.hasSuffix("\n"), "\(name): stderr does not end its line")
        #expect(lines.count - 1 == badCase.expectedStderrLines || (badCase.expectedStderrLines == 0 && result.stderr.isEmpty),
                "\(name): expected \(badCase.expectedStderrLines) stderr line(s), got: \(result.stderr)")
        if badCase.expectedStderrLines > 0 {
            #expect(contains(String(lines.first ?? ""), message), "\(name): stderr \(result.stderr.debugDescription) lacks \(message.debugDescription)")
        }
        if badCase.status == 1 {
            #expect(lines.dropFirst().first?.hasPrefix("qgather: ") == true, "\(name): no summary line: \(result.stderr)")
        }
        #expect(result.stdout == badCase.stdout, "\(name): stdout \(result.stdout.prefix(300).debugDescription)")
        #expect(result.seconds < badCase.maxSeconds, "\(name): took \(result.seconds) s")
    }

    /// Whether `line` contains the parts of `pattern` separated by `…`, in that order.
    static func contains(_ line: String, _ pattern: String) -> Bool {
        var rest = line[...]
        for part in pattern.components(separatedBy: "…") {
            guard let found = rest.range(of: part) else { return false }
            rest = rest[found.upperBound...]
        }
        return true
    }
}
