import QGather

/// A generated script and the statements a correct splitter must find in it.
struct GeneratedScript {
    /// What the splitter must report for one statement.
    struct Statement: Equatable, CustomStringConvertible {
        let sql: String
        let line: Int
        let column: Int
        let name: String

        var description: String { "\(name)@\(line):\(column) \(sql.debugDescription)" }
    }

    let text: String
    let statements: [Statement]
}

/// Builds well-formed scripts from the lexer's whole vocabulary (strings with doubled quotes,
/// quoted identifiers, backticks and brackets or dollar quotes and `E''` strings, line and
/// block comments, `-- name:` annotations, CRLF, non-ASCII text, empty statements, trigger and
/// `BEGIN ATOMIC` bodies; for PostgreSQL parenthesised groups holding `;`, as in multi-action
/// rules, and plain strings with backslash escapes when `standard_conforming_strings` is off)
/// while recording where every statement starts and what its SQL is: the model the splitter is
/// checked against.
///
/// Tokens are always separated by white space (possibly around a comment), so no two tokens
/// fuse into something else (`-` followed by `-- comment` would become a comment).
struct ScriptGenerator {
    let dialect: SQLDialect
    /// PostgreSQL: whether plain `'...'` strings take backslashes literally (else as escapes).
    let standardConformingStrings: Bool
    var random: SplitMix64
    private(set) var text = ""
    private var line = 1
    private var column = 1
    private var parenDepth = 0

    init(dialect: SQLDialect, seed: UInt64, standardConformingStrings: Bool = true) {
        self.dialect = dialect
        self.standardConformingStrings = standardConformingStrings
        random = SplitMix64(seed: seed)
    }

    /// Text that may appear inside quotes and comments: separators, other quote characters, non-ASCII.
    private static let hazards = ["a", "b", " ", ";", "--", "/", "*", "'", "\"", "`", "$", "[", "]", "\\", "\n", "\r\n", "\t",
                                  "é", "字", "😀", "E", "END", "BEGIN", "CASE"]
    /// Words for ordinary statements: none starts a trigger or `BEGIN ATOMIC` body.
    private static let words = ["SELECT", "select", "FROM", "WHERE", "x", "y1", "_z", "t", "AND", "NULL", "CASE", "WHEN", "THEN",
                                "ELSE", "END", "BEGIN", "CREATE", "TABLE", "INSERT", "INTO", "VALUES", "é", "naïve", "データ"]
    /// Words inside trigger / `BEGIN ATOMIC` bodies: none opens or closes a block.
    private static let bodyWords = ["SELECT", "UPDATE", "SET", "x", "y", "FROM", "t", "WHERE", "AND", "NULL", "1"]

    /// A whole script: a few statements with gaps (white space, comments, stray `;`, names) between.
    mutating func script() -> GeneratedScript {
        var statements: [GeneratedScript.Statement] = []
        let count = random.int(0...6)
        for index in 0..<count {
            let name = gap()
            let startLine = line
            let startColumn = column
            let startOffset = text.utf8.count
            statement()
            let sql = String(decoding: Array(text.utf8)[startOffset...], as: UTF8.self)
            statements.append(.init(sql: sql, line: startLine, column: startColumn, name: name ?? "q\(index + 1)"))
            if index < count - 1 || random.chance(0.7) { append(";") } else { whitespace() }  // '-' + '-- c' would fuse
        }
        _ = gap()
        return GeneratedScript(text: text, statements: statements)
    }

    /// White space, comments, stray `;` and `-- name:` annotations; returns the name in force.
    @discardableResult
    mutating func gap() -> String? {
        var name: String?
        for _ in 0..<random.int(0...4) {
            switch random.int(0...5) {
            case 0:
                append(";")
                name = nil  // a ';' ends the (empty) statement the name was for
            case 1:
                let candidate = "n\(random.int(0...999))"
                append(random.chance(0.5) ? "-- name: \(candidate)\n" : "--name:\(candidate)  \r\n")
                name = candidate
            case 2: lineComment()
            case 3: blockComment()
            default: whitespace()
            }
        }
        whitespace()
        return name
    }

    /// One statement, without its terminator.
    mutating func statement() {
        if random.chance(0.1) {
            dialect == .sqlite ? triggerStatement() : atomicFunction()
        } else {
            tokens(random.int(1...8), words: Self.words)
        }
    }

    private mutating func tokens(_ count: Int, words: [String]) {
        for k in 0..<count {
            if k > 0 { separator() }
            token(words: words)
        }
    }

    /// `CREATE [TEMP] TRIGGER ... BEGIN stmt; ... END`, with a `CASE ... END` now and then.
    private mutating func triggerStatement() {
        words(random.chance(0.3) ? ["CREATE", "TEMP", "TRIGGER", "trg", "AFTER", "INSERT", "ON", "t", "BEGIN"]
                                 : ["CREATE", "TRIGGER", "trg", "AFTER", "INSERT", "ON", "t", "BEGIN"])
        body()
    }

    /// `CREATE FUNCTION ... BEGIN ATOMIC stmt; ... END`.
    private mutating func atomicFunction() {
        words(["CREATE", "FUNCTION", "f()", "RETURNS", "int", "LANGUAGE", "sql", "BEGIN", "ATOMIC"])
        body()
    }

    private mutating func body() {
        for _ in 0..<random.int(1...3) {
            separator()
            tokens(random.int(1...4), words: Self.bodyWords)
            if random.chance(0.3) {
                separator()
                words(["CASE", "WHEN", "x", "THEN", "1", "END"])
            }
            separator()
            append(";")
        }
        separator()
        append(random.chance(0.5) ? "END" : "end")
    }

    private mutating func words(_ list: [String]) {
        for (i, word) in list.enumerated() {
            if i > 0 { separator() }
            append(word)
        }
    }

    private mutating func token(words: [String]) {
        switch random.int(0...9) {
        case 0: append(random.pick(["1", "42", "3.14", "1e10", "0x1F"]))
        case 1:
            // PostgreSQL's splitter follows parenthesis depth (psql does): its parentheses come in pairs.
            let operators = ["=", "<>", ",", "+", "*", "-", "/", "||", ".", "%", "<=", "!="] + (dialect == .sqlite ? ["(", ")"] : [])
            append(random.pick(operators))
        case 2:
            if dialect == .postgres && !standardConformingStrings {
                escapedBody(prefix: "'")
            } else {
                quoted(open: "'", close: "'")
            }
        case 3: quoted(open: "\"", close: "\"")
        case 4:
            if dialect == .sqlite {
                random.chance(0.5) ? quoted(open: "`", close: "`") : bracketIdentifier()
            } else {
                random.chance(0.5) ? dollarQuote() : escapeString()
            }
        case 5 where dialect == .postgres: append(random.pick(["$1", "$2", "::", "[1]", "x$y", "a[1:n]", "[lo:hi]"]))
        case 6 where dialect == .postgres && parenDepth < 2: parenGroup(words: words)
        default: append(random.pick(words))
        }
    }

    /// A quoted token whose closing quote is escaped by doubling.
    private mutating func quoted(open: String, close: String) {
        var body = ""
        for _ in 0..<random.int(0...6) {
            let piece = random.pick(Self.hazards)
            body += piece == close ? close + close : piece
        }
        append(open + body + close)
    }

    private mutating func bracketIdentifier() {
        let body = (0..<random.int(0...5)).map { _ in random.pick(Self.hazards) }.joined().replacingOccurrences(of: "]", with: "")
        append("[" + body + "]")
    }

    private mutating func dollarQuote() {
        let tag = random.pick(["", "fn", "a_1", "x"])
        let delimiter = "$\(tag)$"
        var body = (0..<random.int(0...6)).map { _ in random.pick(Self.hazards + ["$$", "$fn$", "$a$"]) }.joined()
        if tag.isEmpty { body = body.replacingOccurrences(of: "$", with: "") }
        while body.contains(delimiter) { body = body.replacingOccurrences(of: delimiter, with: "") }
        if body.contains("$") { body += " " }  // '...$f' + '$fn$' would close early, at '$fn$fn$'
        append(delimiter + body + delimiter)
    }

    /// PostgreSQL `( ... )`, sometimes holding `;` (a multi-action rule's `DO INSTEAD (a; b)`).
    private mutating func parenGroup(words: [String]) {
        parenDepth += 1
        append("(")
        for k in 0..<random.int(1...3) {
            if k > 0 { append(";") }
            separator()
            tokens(random.int(1...3), words: words)
        }
        separator()
        append(")")
        parenDepth -= 1
    }

    /// PostgreSQL `E'...'`: backslash escapes as well as doubled quotes.
    private mutating func escapeString() {
        escapedBody(prefix: random.chance(0.5) ? "E'" : "e'")
    }

    /// A string after `prefix` whose body escapes with backslashes as well as doubled quotes.
    private mutating func escapedBody(prefix: String) {
        var body = ""
        for _ in 0..<random.int(0...6) {
            switch random.pick(Self.hazards + ["\\'", "\\\\", "''"]) {
            case "'": body += "''"
            case "\\": body += "\\\\"
            case let piece: body += piece
            }
        }
        append(prefix + body + "'")
    }

    /// White space between tokens, sometimes around a comment (which then belongs to the statement).
    private mutating func separator() {
        whitespace()
        if random.chance(0.15) {
            random.chance(0.5) ? lineComment() : blockComment()
            whitespace()
        }
    }

    private mutating func whitespace() {
        append(random.pick([" ", " ", "\n", "\t", "\r\n", "  \n  "]))
    }

    private mutating func lineComment() {
        let body = (0..<random.int(0...5)).map { _ in random.pick(Self.hazards) }.joined()
            .replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
        append("--" + body + "\n")
    }

    private mutating func blockComment() {
        func content() -> String {
            (0..<random.int(0...4)).map { _ in random.pick(Self.hazards) }.joined()
                .replacingOccurrences(of: "*", with: "").replacingOccurrences(of: "/", with: "")
        }
        if dialect == .postgres && random.chance(0.3) {
            append("/*" + content() + "/*" + content() + "*/" + content() + "*/")  // nested
        } else {
            append("/*" + content() + "*/")
        }
    }

    /// Appends `piece`, keeping the line and column (in Unicode scalars, as the splitter counts).
    mutating func append(_ piece: String) {
        text += piece
        for scalar in piece.unicodeScalars {
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
    }

    /// The line the next appended text starts on.
    var currentLine: Int { line }
}
