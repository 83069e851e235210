import Foundation
import QGather
import Testing

/// How a property-test input is made.
enum SplitInputKind: String, CaseIterable, Sendable {
    /// A generated well-formed script, checked against the generator's model.
    case model
    /// A generated script with random edits (or pure random soup), checked for the model-free properties.
    case mutated
    /// A well-formed prefix, then a construct that is never closed.
    case unterminated
}

/// Seeded property-based tests of the splitter: `QGATHER_SPLITTER_CASES` inputs (default
/// 100,000, spread over both dialects and the three kinds), from seed `QGATHER_SPLITTER_SEED`.
/// `Fuzz/run-properties` runs many more. A failure prints the input's seed and text. The cases
/// run one at a time, each on a thread of its own, to leave the machine to the other tests.
@Suite(.serialized) struct ScriptSplitterPropertyTests {
    static let totalCases = ProcessInfo.processInfo.environment["QGATHER_SPLITTER_CASES"].flatMap { Int($0) } ?? 100_000
    static let baseSeed = ProcessInfo.processInfo.environment["QGATHER_SPLITTER_SEED"].flatMap { UInt64($0) } ?? 0x5EED_0F_5B11_77E2

    /// Pieces random edits insert: every character the lexer treats specially.
    static let hazards = ["'", "\"", "`", "[", "]", "$", "$$", "$fn$", "/*", "*/", "--", ";", "\n", "\r\n", "E'", "\\", "é", "😀",
                          "BEGIN", "END", "CASE", "ATOMIC", "CREATE TRIGGER t BEGIN", " ", "x", "-- name: z\n",
                          "(", ")", "[1:n]", "SET standard_conforming_strings = off;", "RESET ALL;", "SET LOCAL standard_conforming_strings = off;"]

    @Test(.timeLimit(.minutes(10)), arguments: [SQLDialect.sqlite, .postgres], SplitInputKind.allCases)
    func generatedInputsKeepTheSplitProperties(dialect: SQLDialect, kind: SplitInputKind) async {
        let cases = (Self.totalCases + 2 * SplitInputKind.allCases.count - 1) / (2 * SplitInputKind.allCases.count)
        // CPU-bound for seconds: on a thread of its own, not one of the cooperative pool's few.
        let run = await withCheckedContinuation { (continuation: CheckedContinuation<PropertyRun, Never>) in
            Thread { continuation.resume(returning: Self.run(dialect: dialect, kind: kind, cases: cases)) }.start()
        }
        for failure in run.failures { Issue.record(Comment(rawValue: failure)) }
        // The inputs must exercise both outcomes: statements found, and unterminated constructs.
        print("splitter properties, \(dialect) \(kind): \(cases) inputs, \(run.statements) statements, \(run.errors) unterminated")
        switch kind {
        case .model: #expect(run.errors == 0 && run.statements > cases)
        case .mutated: #expect(run.errors > cases / 10 && run.statements > cases)
        case .unterminated: #expect(run.errors == cases)
        }
    }

    /// What checking a run of inputs found: up to five failures (with seed and input), and how
    /// many statements and unterminated constructs the inputs held.
    struct PropertyRun: Sendable {
        var failures: [String] = []
        var statements = 0
        var errors = 0
    }

    static func run(dialect: SQLDialect, kind: SplitInputKind, cases: Int) -> PropertyRun {
        let kindIndex = UInt64(SplitInputKind.allCases.firstIndex(of: kind)!)
        var run = PropertyRun()
        for i in 0..<cases {
            let seed = baseSeed ^ (kindIndex << 56) ^ (dialect == .sqlite ? 0 : 1 << 48) ^ UInt64(i)
            let (text, report): (String, SplitProperties.Report) = switch kind {
            case .model: checkModel(dialect: dialect, seed: seed)
            case .mutated: checkMutated(dialect: dialect, seed: seed)
            case .unterminated: checkUnterminated(dialect: dialect, seed: seed)
            }
            if !report.problems.isEmpty {
                run.failures.append("seed \(seed) (\(dialect), \(kind)): \(report.problems.prefix(3).joined(separator: "; "))\ninput: \(text.debugDescription)")
                if run.failures.count >= 5 { return run }
            }
            if let count = report.statements { run.statements += count } else { run.errors += 1 }
        }
        return run
    }

    /// A generated script must split into exactly the statements the generator recorded.
    /// On PostgreSQL one script in four is read with `standard_conforming_strings` off.
    static func checkModel(dialect: SQLDialect, seed: UInt64) -> (String, SplitProperties.Report) {
        let standard = dialect == .sqlite || (seed >> 8) & 3 != 0
        var generator = ScriptGenerator(dialect: dialect, seed: seed, standardConformingStrings: standard)
        let script = generator.script()
        var report = SplitProperties.check(script.text, dialect: dialect, standardConformingStrings: standard)
        do {
            let found = try ScriptSplitter(dialect: dialect, standardConformingStrings: standard).split(script.text, file: SplitProperties.file).map {
                GeneratedScript.Statement(sql: $0.sql, line: $0.line, column: $0.column, name: $0.name)
            }
            if found != script.statements { report.problems.append("split \(found) but the model says \(script.statements)") }
        } catch {
            report.problems.append("a well-formed script failed to split: \(error)")
        }
        return (script.text, report)
    }

    /// Random edits must not break the model-free properties.
    static func checkMutated(dialect: SQLDialect, seed: UInt64) -> (String, SplitProperties.Report) {
        let text = mutatedScript(dialect: dialect, seed: seed)
        return (text, SplitProperties.check(text, dialect: dialect))
    }

    /// A generated script with one to three random edits, or (one time in four) random soup.
    static func mutatedScript(dialect: SQLDialect, seed: UInt64) -> String {
        var generator = ScriptGenerator(dialect: dialect, seed: seed)
        var random = SplitMix64(seed: ~seed)
        if random.chance(0.25) {
            return (0..<random.int(0...20)).map { _ in random.pick(hazards) }.joined()
        }
        var scalars = Array(generator.script().text.unicodeScalars)
        for _ in 0..<random.int(1...3) {
            let at = random.int(0...scalars.count)
            switch random.int(0...3) {
            case 0: scalars.insert(contentsOf: random.pick(hazards).unicodeScalars, at: at)
            case 1: scalars.removeSubrange(at..<min(scalars.count, at + random.int(1...5)))
            case 2: scalars.insert(contentsOf: scalars[at..<min(scalars.count, at + random.int(1...8))], at: at)
            default:
                if at < scalars.count { scalars.replaceSubrange(at...at, with: random.pick(hazards).unicodeScalars) }
            }
        }
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars)
        return text
    }

    /// A construct opened on a known line and never closed must throw for that line.
    static func checkUnterminated(dialect: SQLDialect, seed: UInt64) -> (String, SplitProperties.Report) {
        var generator = ScriptGenerator(dialect: dialect, seed: seed)
        _ = generator.script()
        generator.append(";\n")
        generator.gap()
        var openers: [(open: String, forbidden: [String], message: String)] = [
            ("'", ["'"], "unterminated string literal"),
            ("\"", ["\""], "unterminated quoted identifier"),
            ("/*", ["*", "/"], "unterminated comment"),
        ]
        if dialect == .sqlite {
            openers += [("`", ["`"], "unterminated quoted identifier"), ("[", ["]"], "unterminated quoted identifier"),
                        ("CREATE TRIGGER trg AFTER INSERT ON t BEGIN\n", ["END", "CASE", "'", "\"", "`", "[", "/", "-", "$"],
                         "unterminated trigger body (BEGIN without END)")]
        } else {
            openers += [("$fn$", ["$"], "unterminated dollar-quoted string $fn$"), ("E'", ["'"], "unterminated string literal"),
                        ("/* /* */", ["*", "/"], "unterminated comment"),
                        ("CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC\n", ["END", "CASE", "'", "\"", "/", "-", "$"],
                         "unterminated BEGIN ATOMIC body (no END)")]
        }
        let opener = generator.random.pick(openers)
        let opensABody = opener.open.hasPrefix("CREATE")
        if !opensABody && generator.random.chance(0.5) { generator.append("SELECT x,\n  ") }  // inside a statement
        let line = generator.currentLine
        generator.append(opener.open)
        let filler = ScriptGenerator.fillerPieces.filter { piece in !opener.forbidden.contains { piece.contains($0) } }
        for _ in 0..<generator.random.int(0...12) { generator.append(generator.random.pick(filler)) }
        let text = generator.text
        do {
            let queries = try ScriptSplitter(dialect: dialect).split(text, file: SplitProperties.file)
            let problem = "\(opener.open.debugDescription) on line \(line) was never closed, yet the script split into \(queries.count) statements"
            return (text, SplitProperties.Report(problems: [problem], statements: queries.count))
        } catch {
            var problems: [String] = []
            if error.line != line { problems.append("error on line \(error.line), expected \(line): \(error)") }
            if error.message != opener.message { problems.append("error \(error.message.debugDescription), expected \(opener.message.debugDescription)") }
            return (text, SplitProperties.Report(problems: problems, statements: nil))
        }
    }
}

extension ScriptGenerator {
    /// Text after an unclosed opener: separators, words and other quote characters (those that
    /// would close the opener are filtered out by the caller).
    static let fillerPieces = ["a", " ", ";", "\n", "\r\n", "SELECT", "x", "1", "'", "\"", "`", "[", "]", "$", "--", "/", "*", "é", "😀", "\\",
                               "END", "CASE", "$$"]
}
