/// Splits a SQL script into statements by lexing it: `;` ends a statement only outside strings,
/// quoted identifiers, comments, dollar quotes and trigger / `BEGIN ATOMIC` bodies.
public struct ScriptSplitter: Sendable {
    /// The dialect the script is written in.
    public var dialect: SQLDialect
    /// PostgreSQL: the session's `standard_conforming_strings` where the script starts (`false`:
    /// a backslash escapes the next character in `'...'`). `SET`s in the script are followed.
    public var standardConformingStrings: Bool

    /// Creates a splitter for `dialect`.
    public init(dialect: SQLDialect, standardConformingStrings: Bool = true) {
        self.dialect = dialect
        self.standardConformingStrings = standardConformingStrings
    }

    /// Splits `text` into queries. `file` names the source in errors and in each query;
    /// `firstIndex` numbers the first statement (several files make one batch).
    public func split(_ text: String, file: String = "<inline>", firstIndex: Int = 0) throws(ScriptError) -> [Query] {
        var strings = StringSyntax(standardConformingStrings: standardConformingStrings)
        return try split(text, file: file, firstIndex: firstIndex, strings: &strings)
    }

    /// Each statement of `text` with the `standard_conforming_strings` reading it was split
    /// under (nil: unknown, so it holds no plain string with a backslash). For property tests.
    func splitWithStringReadings(_ text: String, file: String) throws(ScriptError) -> [(query: Query, standardStrings: Bool?)] {
        var lexer = Lexer(bytes: Array(text.utf8), dialect: dialect, file: file,
                          strings: StringSyntax(standardConformingStrings: standardConformingStrings))
        lexer.recordStringReadings = true
        let queries = try lexer.statements(firstIndex: 0)
        return Array(zip(queries, lexer.stringReadings))
    }

    /// `split`, starting from and updating `strings` (the files of one batch run in one session).
    func split(_ text: String, file: String, firstIndex: Int, strings: inout StringSyntax) throws(ScriptError) -> [Query] {
        var lexer = Lexer(bytes: Array(text.utf8), dialect: dialect, file: file, strings: strings)
        let queries = try lexer.statements(firstIndex: firstIndex)
        strings = lexer.strings
        return queries
    }

    /// PostgreSQL: `standard_conforming_strings` after `statements` ran in a session that started
    /// with `initial` (the `--init` statements), or nil when they change it in a way that cannot be followed.
    public static func standardConformingStrings(after statements: [String], initial: Bool = true) -> Bool? {
        var strings = StringSyntax(standardConformingStrings: initial)
        let splitter = ScriptSplitter(dialect: .postgres)
        for sql in statements {
            guard (try? splitter.split(sql, file: "--init", firstIndex: 0, strings: &strings)) != nil else { return nil }
        }
        return strings.current
    }
}

/// The byte-level scanner behind `ScriptSplitter`.
struct Lexer {
    let bytes: [UInt8]
    let dialect: SQLDialect
    let file: String
    var position = 0
    /// `:name` placeholders seen, with their byte ranges (outside strings, comments and `::` casts).
    var placeholders: [SQLPlaceholder] = []
    /// Every keyword or identifier outside strings and comments, upper-cased, when `collectWords` is set.
    var words: [String] = []
    var collectWords = false
    /// PostgreSQL: how `'...'` strings read a backslash, followed through the script's `SET`s.
    var strings: StringSyntax
    /// When set, `stringReadings` gets the reading of `'...'` each statement was split under.
    var recordStringReadings = false
    private(set) var stringReadings: [Bool?] = []
    /// PostgreSQL: `[` nesting in the current statement; `:name` inside is an array slice bound.
    private var bracketDepth = 0
    /// Offsets where each line starts, for mapping offsets to line:column.
    let lineStarts: [Int]
    /// The last location computed for a statement start: statements start in increasing order,
    /// so the next column is counted on from here rather than from its line's start (which
    /// made a long one-line script with many statements quadratic).
    private var lastLocation = (offset: 0, line: 1, column: 1)

    init(bytes: [UInt8], dialect: SQLDialect, file: String, strings: StringSyntax = StringSyntax(standardConformingStrings: true)) {
        self.bytes = bytes
        self.dialect = dialect
        self.file = file
        self.strings = strings
        var starts = [0]
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\n") { starts.append(i + 1) }
            i += 1
        }
        lineStarts = starts
    }

    // MARK: Statement assembly

    /// Per-statement state: where it starts, its name, and block nesting.
    private struct Statement {
        var start: Int?
        var name: String?
        var words: [String] = []  // first few words, upper-cased, to recognise CREATE TRIGGER
        var previousWord = ""
        var blockDepth = 0  // inside a trigger body or BEGIN ATOMIC ... END
        var parenDepth = 0  // PostgreSQL: psql sends `( ...; ... )` whole (multi-action rules)
        var caseDepth = 0
        var isTrigger = false
    }

    mutating func statements(firstIndex: Int) throws(ScriptError) -> [Query] {
        var result: [Query] = []
        var current = Statement()
        var lastSignificantEnd = 0

        func emit(_ statement: Statement, end: Int) {
            bracketDepth = 0
            guard let start = statement.start else { return }
            let (line, column) = statementLocation(of: start)
            let index = firstIndex + result.count
            let sql = String(decoding: bytes[start..<end], as: UTF8.self)
            result.append(Query(sql, name: statement.name ?? "q\(index + 1)", index: index, file: file, line: line, column: column))
            if recordStringReadings { stringReadings.append(strings.current) }
            if dialect == .postgres {
                strings.observe(sql: bytes[start..<end], leadingWords: statement.words, location: "\(file):\(line)")
            }
        }

        while position < bytes.count {
            let byte = bytes[position]
            let tokenStart = position
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0x0B, 0x0C:
                position += 1
                continue
            case UInt8(ascii: "-") where peek(1) == UInt8(ascii: "-"):
                let comment = skipLineComment()
                if current.start == nil, let name = Lexer.annotatedName(in: comment) { current.name = name }
                continue
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
                try skipBlockComment()
                continue
            case UInt8(ascii: ";"):
                position += 1
                if current.blockDepth > 0 || current.parenDepth > 0 {
                    if current.start == nil { current.start = tokenStart }
                    lastSignificantEnd = position
                    continue
                }
                emit(current, end: lastSignificantEnd)
                current = Statement()
                continue
            case UInt8(ascii: "'"):
                try skipPlainString()
            case UInt8(ascii: "\""):
                try skipQuoted(close: UInt8(ascii: "\""), what: "quoted identifier", backslashEscapes: false)
            case UInt8(ascii: "`") where dialect == .sqlite:
                try skipQuoted(close: UInt8(ascii: "`"), what: "quoted identifier", backslashEscapes: false)
            case UInt8(ascii: "[") where dialect == .sqlite:
                try skipBracketIdentifier()
            case UInt8(ascii: "$") where dialect == .postgres && dollarTagLength() != nil:
                try skipDollarQuote(tagLength: dollarTagLength()!)
            case UInt8(ascii: ":"):
                scanColon(at: tokenStart)
            case UInt8(ascii: "(") where dialect == .postgres:
                current.parenDepth += 1
                position += 1
            case UInt8(ascii: ")") where dialect == .postgres:
                if current.parenDepth > 0 { current.parenDepth -= 1 }
                position += 1
            case UInt8(ascii: "[") where dialect == .postgres:
                bracketDepth += 1
                position += 1
            case UInt8(ascii: "]") where dialect == .postgres:
                if bracketDepth > 0 { bracketDepth -= 1 }
                position += 1
            default:
                if Lexer.isWordStart(byte) {
                    let word = scanWord()
                    if dialect == .postgres, word.count == 1, byte == UInt8(ascii: "E") || byte == UInt8(ascii: "e"), peek(0) == UInt8(ascii: "'") {
                        try skipQuoted(close: UInt8(ascii: "'"), what: "string literal", backslashEscapes: true)
                    } else {
                        if current.start == nil { current.start = tokenStart }
                        // Only the first words and the block keywords matter: spare the others a String.
                        let text = collectWords || current.words.count < 6 ? uppercased(word) : Lexer.blockKeyword(bytes[word]) ?? ""
                        track(word: text, in: &current)
                        lastSignificantEnd = position
                        continue
                    }
                } else {
                    position += 1
                }
            }
            if current.start == nil { current.start = tokenStart }
            lastSignificantEnd = position
        }
        if current.blockDepth > 0, let start = current.start {
            let what = current.isTrigger ? "trigger body (BEGIN without END)" : "BEGIN ATOMIC body (no END)"
            throw ScriptError(file: file, line: location(of: start).line, message: "unterminated \(what)")
        }
        emit(current, end: lastSignificantEnd)
        return result
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
            case "BEGIN" where dialect == .sqlite: break
            default: break
            }
            return
        }
        switch dialect {
        case .sqlite:
            if word == "BEGIN" && Lexer.isCreateTrigger(statement.words) {
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

    /// The name in a `-- name: foo` comment, if this is one.
    static func annotatedName(in comment: Substring) -> String? {
        let body = comment.drop { $0 == " " || $0 == "\t" }
        guard body.lowercased().hasPrefix("name:") else { return nil }
        let name = body.dropFirst(5).drop { $0 == " " || $0 == "\t" }.prefix { !$0.isWhitespace }
        return name.isEmpty ? nil : String(name)
    }

    // MARK: Tokens

    /// `::` is a cast; `:name` a placeholder, except inside PostgreSQL's `[...]` where it is the
    /// bound of an array slice (`a[1:n]`); any other `:` an operator or slice.
    private mutating func scanColon(at start: Int) {
        if peek(1) == UInt8(ascii: ":") {
            position += 2
            while peek(0) == UInt8(ascii: ":") { position += 1 }
            return
        }
        position += 1
        guard bracketDepth == 0, let first = peek(0), first < 0x80, Lexer.isWordStart(first),
              start == 0 || bytes[start - 1] != UInt8(ascii: ":") else { return }
        let nameStart = position
        while let b = peek(0), b < 0x80, Lexer.isWordStart(b) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) { position += 1 }
        placeholders.append(SQLPlaceholder(name: String(decoding: bytes[nameStart..<position], as: UTF8.self), range: start..<position))
    }

    private func peek(_ ahead: Int) -> UInt8? {
        position + ahead < bytes.count ? bytes[position + ahead] : nil
    }

    static func isWordStart(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || b == UInt8(ascii: "_") || b >= 0x80
    }

    static func isWordByte(_ b: UInt8) -> Bool {
        isWordStart(b) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "$")
    }

    private mutating func scanWord() -> Range<Int> {
        let start = position
        while position < bytes.count && Lexer.isWordByte(bytes[position]) { position += 1 }
        return start..<position
    }

    /// The word's text with ASCII letters upper-cased (SQL keywords are ASCII).
    private func uppercased(_ word: Range<Int>) -> String {
        String(decoding: bytes[word].map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }, as: UTF8.self)
    }

    private static let blockKeywords = ["BEGIN", "END", "CASE", "ATOMIC"].map { ($0, Array($0.utf8)) }

    /// BEGIN, END, CASE or ATOMIC if the word is one of them (any case), else nil.
    static func blockKeyword(_ word: ArraySlice<UInt8>) -> String? {
        for (keyword, letters) in blockKeywords where letters.count == word.count {
            if zip(letters, word).allSatisfy({ $0 == ($1 >= 0x61 && $1 <= 0x7A ? $1 - 0x20 : $1) }) { return keyword }
        }
        return nil
    }

    /// Skips `-- ...` to the end of the line and returns the text after `--`.
    private mutating func skipLineComment() -> Substring {
        let start = position + 2
        while position < bytes.count && bytes[position] != UInt8(ascii: "\n") { position += 1 }
        return Substring(String(decoding: bytes[start..<position], as: UTF8.self))
    }

    /// Skips a `/* */` comment; PostgreSQL nests them, SQLite ends at the first `*/`.
    private mutating func skipBlockComment() throws(ScriptError) {
        let start = position
        var depth = 0
        while position < bytes.count {
            if bytes[position] == UInt8(ascii: "/") && peek(1) == UInt8(ascii: "*") {
                if depth == 0 || dialect == .postgres { depth += 1 }
                position += 2
            } else if bytes[position] == UInt8(ascii: "*") && peek(1) == UInt8(ascii: "/") {
                depth -= 1
                position += 2
                if depth == 0 { return }
            } else {
                position += 1
            }
        }
        throw unterminated("comment", at: start)
    }

    /// Skips a `'...'` string as the server reads it: PostgreSQL with `standard_conforming_strings`
    /// off takes a backslash as an escape. Where the setting is unknown, a string holding a
    /// backslash is refused: the two readings end it in different places.
    private mutating func skipPlainString() throws(ScriptError) {
        guard dialect == .postgres else {
            return try skipQuoted(close: UInt8(ascii: "'"), what: "string literal", backslashEscapes: false)
        }
        guard let standard = strings.current else {
            let start = position
            try skipQuoted(close: UInt8(ascii: "'"), what: "string literal", backslashEscapes: false)
            if bytes[start..<position].contains(UInt8(ascii: "\\")) {
                throw ScriptError(file: file, line: location(of: start).line, message: "cannot tell where this string ends: "
                    + "standard_conforming_strings was changed at \(strings.unknownSince ?? "an earlier statement") in a way qgather cannot follow "
                    + "(a backslash ends the string or escapes a quote depending on it); use E'...' for backslash escapes, "
                    + "or a plain SET standard_conforming_strings = on|off outside a transaction block")
            }
            return
        }
        try skipQuoted(close: UInt8(ascii: "'"), what: "string literal", backslashEscapes: !standard)
    }

    /// Skips a quoted token whose closing quote is escaped by doubling it (and by a backslash in `E'...'`).
    private mutating func skipQuoted(close: UInt8, what: String, backslashEscapes: Bool) throws(ScriptError) {
        let start = position
        position += 1
        while position < bytes.count {
            let b = bytes[position]
            if backslashEscapes && b == UInt8(ascii: "\\") {
                position += 2
                continue
            }
            position += 1
            if b == close {
                if peek(0) == close { position += 1 } else { return }
            }
        }
        throw unterminated(what, at: start)
    }

    private mutating func skipBracketIdentifier() throws(ScriptError) {
        let start = position
        while position < bytes.count {
            position += 1
            if bytes[position - 1] == UInt8(ascii: "]") { return }
        }
        throw unterminated("quoted identifier", at: start)
    }

    /// The length of a `$tag$` opener at the current position (`$$` is 2), or nil for `$1` and the like.
    private func dollarTagLength() -> Int? {
        var i = position + 1
        if i < bytes.count && bytes[i] == UInt8(ascii: "$") { return 2 }
        guard i < bytes.count, Lexer.isWordStart(bytes[i]) else { return nil }
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "$") { return i - position + 1 }
            guard Lexer.isWordStart(b) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) else { return nil }
            i += 1
        }
        return nil
    }

    private mutating func skipDollarQuote(tagLength: Int) throws(ScriptError) {
        let start = position
        let tag = bytes[position..<position + tagLength]
        position += tagLength
        while position + tagLength <= bytes.count {
            if bytes[position] == UInt8(ascii: "$") && bytes[position..<position + tagLength].elementsEqual(tag) {
                position += tagLength
                return
            }
            position += 1
        }
        position = bytes.count
        throw unterminated("dollar-quoted string \(String(decoding: tag, as: UTF8.self))", at: start)
    }

    // MARK: Locations

    private func unterminated(_ what: String, at offset: Int) -> ScriptError {
        ScriptError(file: file, line: location(of: offset).line, message: "unterminated \(what)")
    }

    /// The 1-based line and column (in characters) of a byte offset.
    func location(of offset: Int) -> (line: Int, column: Int) {
        let line = line(of: offset)
        return (line, column(from: lineStarts[line - 1], startColumn: 1, to: offset))
    }

    /// `location(of:)` for offsets that only grow: counts on from the previous statement start.
    private mutating func statementLocation(of offset: Int) -> (line: Int, column: Int) {
        let line = line(of: offset)
        let column = line == lastLocation.line && offset >= lastLocation.offset
            ? column(from: lastLocation.offset, startColumn: lastLocation.column, to: offset)
            : column(from: lineStarts[line - 1], startColumn: 1, to: offset)
        lastLocation = (offset, line, column)
        return (line, column)
    }

    /// The 1-based line of a byte offset (binary search over the line starts).
    private func line(of offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low + 1
    }

    /// The column of `offset`, counting characters (not UTF-8 continuation bytes) from `start`,
    /// whose column is `startColumn`.
    private func column(from start: Int, startColumn: Int, to offset: Int) -> Int {
        var column = startColumn
        var i = start
        while i < offset {
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return column
    }
}
