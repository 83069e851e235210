/// Assembles `SQLLexer`'s tokens into statements: where each starts and ends, its `-- name:`,
/// and the words and `:name` placeholders seen on the way.
///
/// A `;` ends a statement except inside a trigger body (SQLite's `CREATE TRIGGER ... BEGIN ...
/// END`), a `BEGIN ATOMIC ... END` body, or (PostgreSQL, as psql does) parentheses, which keep
/// a multi-action rule's `DO INSTEAD (a; b)` whole.
struct StatementScanner {
    private var lexer: SQLLexer
    var bytes: [UInt8] { lexer.bytes }
    var dialect: SQLDialect { lexer.dialect }
    var file: String { lexer.file }
    /// `:name` placeholders seen, with their byte ranges.
    var placeholders: [SQLPlaceholder] = []
    /// Every keyword or identifier, upper-cased, when `collectWords` is set.
    var words: [String] = []
    var collectWords = false
    /// PostgreSQL: how `'...'` strings read a backslash, followed through the script's `SET`s.
    var strings: StringSyntax { lexer.strings }
    /// When set, `stringReadings` gets the reading of `'...'` each statement was split under.
    var recordStringReadings = false
    private(set) var stringReadings: [Bool?] = []
    /// The last location computed for a statement start: statements start in increasing order,
    /// so the next line and column are counted on from here, not from the script's start.
    private var lastLocation = (offset: 0, line: 1, column: 1)

    init(bytes: [UInt8], dialect: SQLDialect, file: String, strings: StringSyntax = StringSyntax(standardConformingStrings: true)) {
        lexer = SQLLexer(bytes: bytes, dialect: dialect, file: file, strings: strings)
    }

    /// Per-statement state: where it starts, its name, and block nesting.
    private struct Statement {
        var start: Int?
        var name: String?
        var expectation: Expectation?
        var timeout: Duration?
        var words: [String] = []  // first few words, upper-cased, to recognise CREATE TRIGGER
        var previousWord = ""
        var blockDepth = 0  // inside a trigger body or BEGIN ATOMIC ... END
        var caseDepth = 0
        var parenDepth = 0  // PostgreSQL: psql sends `( ...; ... )` whole (multi-action rules)
        var outermostParen = 0  // where the outermost open `(` is, for an error at the end
        var isTrigger = false
    }

    /// The script's statements as queries numbered from `firstIndex`.
    mutating func statements(firstIndex: Int) throws(ScriptError) -> [Query] {
        let table = try statementTable(firstIndex: firstIndex)
        return (0..<table.count).map { table[$0] }
    }

    /// The script's statements, held compactly (see `ScriptStatements`).
    mutating func statementTable(firstIndex: Int) throws(ScriptError) -> ScriptStatements {
        // A script (not one statement being classified): room for one statement per `;` up
        // front, since growing by doubling held the old and the new array at once, about twice a
        // generated batch's size at the peak. Capped at one per 8 bytes, so that semicolons
        // inside a big data literal cannot ask for a huge allocation.
        let expected = bytes.count > 4096 ? min(Self.semicolons(in: bytes), bytes.count / 8) + 1 : 1
        var result = ScriptStatements.Builder(bytes: bytes, file: file, firstIndex: firstIndex, expectedCount: expected)
        var current = Statement()
        var lastSignificantEnd = 0

        func emit(_ statement: Statement, end: Int) {
            lexer.bracketDepth = 0
            guard let start = statement.start else { return }
            let (line, column) = statementLocation(of: start)
            // The SQL stays in the script's bytes (shared by every statement), not a String each.
            let annotated = statement.name != nil || statement.expectation != nil || statement.timeout != nil
            result.append(range: start..<end, line: line, column: column,
                          annotation: annotated ? ScriptStatements.Annotation(name: statement.name, expectation: statement.expectation,
                                                                              timeout: statement.timeout) : nil)
            if recordStringReadings { stringReadings.append(lexer.strings.current) }
            if dialect == .postgres {
                let (fileName, text) = (file, bytes[start..<end])
                lexer.strings.observe(sql: text, leadingWords: statement.words, location: "\(fileName):\(line)")
            }
        }

        while let token = try lexer.next() {
            switch token.kind {
            case .lineComment:
                if current.start == nil { try annotate(&current, comment: token.range) }
                continue
            case .blockComment:
                continue
            case .punctuation where bytes[token.range.lowerBound] == UInt8(ascii: ";"):
                if current.blockDepth > 0 || current.parenDepth > 0 {
                    if current.start == nil { current.start = token.range.lowerBound }
                    lastSignificantEnd = token.range.upperBound
                    continue
                }
                emit(current, end: lastSignificantEnd)
                current = Statement()
                continue
            case .punctuation where dialect == .postgres && bytes[token.range.lowerBound] == UInt8(ascii: "("):
                if current.parenDepth == 0 { current.outermostParen = token.range.lowerBound }
                current.parenDepth += 1
            case .punctuation where dialect == .postgres && bytes[token.range.lowerBound] == UInt8(ascii: ")"):
                if current.parenDepth > 0 { current.parenDepth -= 1 }
            case .placeholder:
                let name = String(decoding: bytes[token.range.lowerBound + 1..<token.range.upperBound], as: UTF8.self)
                placeholders.append(SQLPlaceholder(name: name, range: token.range))
            case .word:
                // Only the first words and the block keywords matter: spare the others a String.
                let word = bytes[token.range]
                let text = collectWords || current.words.count < 6 ? Self.uppercased(word) : Self.blockKeyword(word) ?? ""
                track(word: text, in: &current)
            default:
                break
            }
            if current.start == nil { current.start = token.range.lowerBound }
            lastSignificantEnd = token.range.upperBound
        }
        if current.blockDepth > 0, let start = current.start {
            let what = current.isTrigger ? "trigger body (BEGIN without END)" : "BEGIN ATOMIC body (no END)"
            throw ScriptError(file: file, line: location(of: start).line, message: "unterminated \(what)")
        }
        if current.parenDepth > 0 {
            // psql would send the rest of the file as one statement; the server's syntax error
            // would then hide which `(` never closed.
            throw ScriptError(file: file, line: location(of: current.outermostParen).line,
                              message: "unterminated parenthesis (every ; after it belongs inside it)")
        }
        emit(current, end: lastSignificantEnd)
        return result.finish()
    }

    /// Follows keywords that open and close statement bodies whose `;` do not end the statement.
    private mutating func track(word: String, in statement: inout Statement) {
        defer { statement.previousWord = word }
        if collectWords { words.append(word) }
        if statement.words.count < 6 { statement.words.append(word) }
        if statement.blockDepth > 0 {
            switch word {
            case "CASE": statement.caseDepth += 1
            case "END":
                if statement.caseDepth > 0 { statement.caseDepth -= 1 } else { statement.blockDepth -= 1 }
            default: break
            }
            return
        }
        switch dialect {
        case .sqlite:
            if word == "BEGIN" && Self.isCreateTrigger(statement.words) {
                statement.isTrigger = true
                statement.blockDepth = 1
            }
        case .postgres:
            if word == "ATOMIC" && statement.previousWord == "BEGIN" && statement.words.first != "BEGIN" {
                statement.blockDepth = 1
            }
        }
    }

    static func isCreateTrigger(_ words: [String]) -> Bool {
        guard words.first == "CREATE" else { return false }
        let rest = words.dropFirst().drop { $0 == "TEMP" || $0 == "TEMPORARY" }
        return rest.first == "TRIGGER"
    }

    /// Records the directive (`-- name:`, `-- expect:`, `-- timeout:`) a line comment above a
    /// statement holds, if any; a directive that does not parse, or a second `expect:` or
    /// `timeout:` for one statement, is an error naming the comment's line.
    private func annotate(_ statement: inout Statement, comment range: Range<Int>) throws(ScriptError) {
        // Most comments are prose: only one that starts with a letter after `--` can be a directive.
        let body = bytes[range.lowerBound + 2..<range.upperBound].drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard let first = body.first, (first | 0x20) >= UInt8(ascii: "a") && (first | 0x20) <= UInt8(ascii: "z"),
              let parsed = QueryDirective.parse(String(decoding: body, as: UTF8.self)) else { return }
        func fail(_ message: String) -> ScriptError {
            ScriptError(file: file, line: location(of: range.lowerBound).line, message: message)
        }
        switch parsed {
        case .failure(let error): throw fail(error.message)
        case .success(.name(let name)): statement.name = name
        case .success(.expect(let expectation)):
            if statement.expectation != nil { throw fail("a second 'expect:' for one statement") }
            statement.expectation = expectation
        case .success(.timeout(let timeout)):
            if statement.timeout != nil { throw fail("a second 'timeout:' for one statement") }
            statement.timeout = timeout
        }
    }

    /// The word's text with ASCII letters upper-cased (SQL keywords are ASCII).
    static func uppercased(_ word: ArraySlice<UInt8>) -> String {
        String(decoding: word.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }, as: UTF8.self)
    }

    private static let blockKeywords = ["BEGIN", "END", "CASE", "ATOMIC"].map { ($0, Array($0.utf8)) }

    /// BEGIN, END, CASE or ATOMIC if the word is one of them (any case), else nil.
    static func blockKeyword(_ word: ArraySlice<UInt8>) -> String? {
        for (keyword, letters) in blockKeywords where letters.count == word.count {
            if zip(letters, word).allSatisfy({ $0 == ($1 >= 0x61 && $1 <= 0x7A ? $1 - 0x20 : $1) }) { return keyword }
        }
        return nil
    }

    // MARK: Locations

    /// The 1-based line and column (in characters) of a byte offset, counted from the script's
    /// start (for an error; statements use `statementLocation`).
    func location(of offset: Int) -> (line: Int, column: Int) {
        Self.advance(bytes, from: (0, 1, 1), to: offset)
    }

    /// `location(of:)` for offsets that only grow: counts on from the previous statement start,
    /// so that splitting a script reads each byte once.
    private mutating func statementLocation(of offset: Int) -> (line: Int, column: Int) {
        let location = Self.advance(bytes, from: offset >= lastLocation.offset ? lastLocation : (0, 1, 1), to: offset)
        lastLocation = (offset, location.line, location.column)
        return location
    }

    /// The line and column of `offset`, counting newlines and characters (not UTF-8
    /// continuation bytes) on from `start`, a known offset's location.
    private static func advance(_ bytes: [UInt8], from start: (offset: Int, line: Int, column: Int), to offset: Int) -> (line: Int, column: Int) {
        bytes.withUnsafeBufferPointer { buffer in
            var (line, column) = (start.line, start.column)
            var i = start.offset
            while i < offset {
                let byte = buffer[i]
                if byte == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                } else if byte & 0xC0 != 0x80 {
                    column += 1
                }
                i += 1
            }
            return (line, column)
        }
    }

    /// How many `;` bytes `bytes` holds.
    static func semicolons(in bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            var count = 0
            for byte in buffer where byte == UInt8(ascii: ";") { count += 1 }
            return count
        }
    }
}
