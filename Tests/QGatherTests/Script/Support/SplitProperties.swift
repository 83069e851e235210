@testable import QGather

/// Properties every split must have, whatever the input (no model needed). For a script that
/// splits into statements s1...sn:
///
/// * **Re-joining**: the input is exactly g0 s1 g1 s2 ... sn gn, where each si is the
///   statement's SQL found verbatim at its reported line and column, in order and without
///   overlap, and each gap gi splits to no statement (it holds only white space, comments and
///   `;`). Statements therefore re-join to the input modulo separators, comments and space.
/// * **Positions**: lines and columns strictly increase; indexes run 0, 1, 2, ...
/// * **Closed tokens**: a statement never ends inside a quote, comment or body: splitting its
///   SQL again gives exactly itself; it is not empty and has no surrounding white space.
///
/// A script that fails to split throws a `ScriptError` saying what is unterminated, on a line
/// of the file.
enum SplitProperties {
    static let file = "fuzz.sql"

    /// What checking one input found: the violated properties, and how many statements the
    /// input split into (nil when it threw).
    struct Report {
        var problems: [String]
        var statements: Int?
    }

    /// The violated properties of splitting `text`, or none.
    static func check(_ text: String, dialect: SQLDialect, standardConformingStrings: Bool = true) -> Report {
        let splitter = ScriptSplitter(dialect: dialect, standardConformingStrings: standardConformingStrings)
        let split: [(query: Query, standardStrings: Bool?)]
        do {
            split = try splitter.splitWithStringReadings(text, file: file)
        } catch {
            return Report(problems: scriptErrorViolations(error, text: text), statements: nil)
        }
        return Report(problems: violations(of: split.map(\.query), readings: split.map(\.standardStrings), in: text, splitter: splitter),
                      statements: split.count)
    }

    /// `readings`: how each statement's `'...'` strings were read (nil: unknown, so standard).
    private static func violations(of queries: [Query], readings: [Bool?], in text: String, splitter: ScriptSplitter) -> [String] {
        var problems: [String] = []
        let bytes = Array(text.utf8)
        let lines = lineStarts(bytes)
        var previousEnd = 0
        var previousStart = (line: 0, column: 0)
        // PostgreSQL: how '...' strings read where each statement starts (a SET earlier in the
        // script changes it); a statement re-splits alone under that reading.
        for (i, query) in queries.enumerated() {
            let reading = readings[i] ?? true
            let alone = ScriptSplitter(dialect: splitter.dialect, standardConformingStrings: reading)
            if query.index != i { problems.append("statement \(i) has index \(query.index)") }
            if query.file != file { problems.append("statement \(i) names file \(query.file)") }
            if (query.line, query.column) <= previousStart { problems.append("statement \(i) starts at \(query.line):\(query.column), not after \(previousStart)") }
            previousStart = (query.line, query.column)
            let sql = Array(query.sql.utf8)
            guard let start = offset(line: query.line, column: query.column, bytes: bytes, lineStarts: lines),
                  start >= previousEnd, start + sql.count <= bytes.count, Array(bytes[start..<start + sql.count]) == sql else {
                problems.append("statement \(i) \(query.sql.debugDescription) is not at \(query.line):\(query.column)")
                return problems
            }
            problems += gapViolations(bytes[previousEnd..<start], splitter: splitter)
            previousEnd = start + sql.count
            if sql.isEmpty { problems.append("statement \(i) is empty") }
            if let first = sql.first, let last = sql.last, isSpace(first) || isSpace(last) {
                problems.append("statement \(i) \(query.sql.debugDescription) has surrounding white space")
            }
            do {
                let again = try alone.split(query.sql, file: file)
                if again.map(\.sql) != [query.sql] { problems.append("statement \(i) \(query.sql.debugDescription) re-splits into \(again.map(\.sql))") }
            } catch {
                problems.append("statement \(i) \(query.sql.debugDescription) does not re-split: \(error)")
            }
        }
        problems += gapViolations(bytes[previousEnd...], splitter: splitter)
        return problems
    }

    /// A gap between statements must split to nothing, without error.
    private static func gapViolations(_ gap: ArraySlice<UInt8>, splitter: ScriptSplitter) -> [String] {
        let text = String(decoding: gap, as: UTF8.self)
        do {
            let found = try splitter.split(text, file: file)
            return found.isEmpty ? [] : ["the gap \(text.debugDescription) holds statements \(found.map(\.sql))"]
        } catch {
            return ["the gap \(text.debugDescription) does not split: \(error)"]
        }
    }

    private static func scriptErrorViolations(_ error: ScriptError, text: String) -> [String] {
        var problems: [String] = []
        let lineCount = text.utf8.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        if !(1...lineCount).contains(error.line) { problems.append("error line \(error.line) is outside 1...\(lineCount): \(error)") }
        if error.file != file { problems.append("error names file \(error.file)") }
        // A string after a change of standard_conforming_strings that cannot be followed is refused too.
        if !error.message.hasPrefix("unterminated ") && !error.message.hasPrefix("cannot tell where this string ends: ") {
            problems.append("unexpected error: \(error)")
        }
        return problems
    }

    static func lineStarts(_ bytes: [UInt8]) -> [Int] {
        var starts = [0]
        for (i, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") { starts.append(i + 1) }
        return starts
    }

    /// The byte offset of a 1-based line and column (columns count Unicode scalars).
    static func offset(line: Int, column: Int, bytes: [UInt8], lineStarts: [Int]) -> Int? {
        guard line >= 1, line <= lineStarts.count else { return nil }
        var offset = lineStarts[line - 1]
        var remaining = column - 1
        while remaining > 0 {
            guard offset < bytes.count, bytes[offset] != UInt8(ascii: "\n") else { return nil }
            offset += 1
            while offset < bytes.count && bytes[offset] & 0xC0 == 0x80 { offset += 1 }
            remaining -= 1
        }
        return offset
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }
}
