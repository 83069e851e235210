/// One token of SQL text: what it is and where its bytes are.
struct SQLToken: Equatable {
    /// What a token is.
    enum Kind: Equatable {
        /// A keyword or identifier (`SELECT`, `x$y`, `データ`).
        case word
        /// `"..."` (and SQLite's `` `...` `` and `[...]`).
        case quotedIdentifier
        /// `'...'`, read as the session reads it (`standard_conforming_strings`).
        case string
        /// PostgreSQL `E'...'`, with backslash escapes.
        case escapeString
        /// PostgreSQL `$tag$...$tag$`.
        case dollarString
        /// A number as PostgreSQL's lexer reads one: `42`, `12.5`, `.5`, `1e10`, `2.5E-3` (letters
        /// glued to it, as in `12abc` or `0x1F`, start a word of their own).
        case number
        /// PostgreSQL `$1`: a parameter of the statement's own.
        case positionalParameter
        /// A run of operator characters (`=`, `<>`, `||`, `=-`), never holding a comment's start.
        case `operator`
        /// `::`, a cast.
        case cast
        /// `:name`, a placeholder for a bound value (not inside PostgreSQL's `[...]`, where it is a slice bound).
        case placeholder
        /// `-- ...` to the end of the line.
        case lineComment
        /// `/* ... */` (nested in PostgreSQL).
        case blockComment
        /// Any other single byte: `;`, `(`, `)`, `,`, `.`, `[`, `]`, `:`, ...
        case punctuation
    }

    /// What it is.
    var kind: Kind
    /// Its bytes in the text.
    var range: Range<Int>
}

/// The one SQL lexer: turns SQL text into tokens for both dialects, byte by byte. Splitting
/// (`StatementScanner`), classification (`StatementKind`), placeholders (`SQLPlaceholder`), the
/// literal-parameter rewrite and the statement cache all read its tokens, so they agree on
/// where strings, quoted names and comments begin and end.
///
/// White space is skipped. Strings, comments and quoted names that do not end throw a
/// `ScriptError` naming the line they start on.
struct SQLLexer {
    /// The text.
    let bytes: [UInt8]
    /// How quotes, comments and dollar signs are read.
    let dialect: SQLDialect
    /// Names the text in errors.
    let file: String
    /// PostgreSQL: how `'...'` strings read a backslash (the caller follows the script's `SET`s).
    var strings: StringSyntax
    /// Where the next token starts (or white space before it).
    var position = 0
    /// PostgreSQL: `[` nesting, for telling slice bounds from placeholders.
    var bracketDepth = 0
    /// The last byte of the previous token other than a comment (0 before the first).
    private var previousByte: UInt8 = 0

    init(bytes: [UInt8], dialect: SQLDialect, file: String = "", strings: StringSyntax = StringSyntax(standardConformingStrings: true)) {
        self.bytes = bytes
        self.dialect = dialect
        self.file = file
        self.strings = strings
    }

    /// The next token, or nil at the end of the text.
    mutating func next() throws(ScriptError) -> SQLToken? {
        while position < bytes.count, Self.isSpace(bytes[position]) { position += 1 }
        guard position < bytes.count else { return nil }
        let start = position
        let byte = bytes[position]
        let kind: SQLToken.Kind
        switch byte {
        case UInt8(ascii: "-") where peek(1) == UInt8(ascii: "-"):
            skipLineComment()
            kind = .lineComment
        case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
            try skipBlockComment()
            kind = .blockComment
        case UInt8(ascii: "'"):
            try skipPlainString()
            kind = .string
        case UInt8(ascii: "\""):
            try skipQuoted(close: UInt8(ascii: "\""), what: "quoted identifier", backslashEscapes: false)
            kind = .quotedIdentifier
        case UInt8(ascii: "`") where dialect == .sqlite:
            try skipQuoted(close: UInt8(ascii: "`"), what: "quoted identifier", backslashEscapes: false)
            kind = .quotedIdentifier
        case UInt8(ascii: "[") where dialect == .sqlite:
            try skipBracketIdentifier()
            kind = .quotedIdentifier
        case UInt8(ascii: "$") where dialect == .postgres:
            if let length = dollarTagLength() {
                try skipDollarQuote(tagLength: length)
                kind = .dollarString
            } else if let next = peek(1), Self.isDigit(next) {
                position += 1
                while position < bytes.count, Self.isDigit(bytes[position]) { position += 1 }
                kind = .positionalParameter
            } else {
                position += 1
                kind = .punctuation
            }
        case UInt8(ascii: ":"):
            kind = scanColon()
        case let b where (b | 0x20) == UInt8(ascii: "u") && dialect == .postgres && peek(1) == UInt8(ascii: "&")
            && (peek(2) == UInt8(ascii: "'") || peek(2) == UInt8(ascii: "\"")):
            // U&'...' and U&"...": Unicode escapes, never backslash-escaped quotes, whatever the setting.
            position += 2
            let quote = bytes[position]
            try skipQuoted(close: quote, what: quote == UInt8(ascii: "'") ? "string literal" : "quoted identifier", backslashEscapes: false)
            kind = quote == UInt8(ascii: "'") ? .string : .quotedIdentifier
        case UInt8(ascii: "[") where dialect == .postgres:
            bracketDepth += 1
            position += 1
            kind = .punctuation
        case UInt8(ascii: "]") where dialect == .postgres:
            if bracketDepth > 0 { bracketDepth -= 1 }
            position += 1
            kind = .punctuation
        default:
            if Self.isWordStart(byte) {
                while position < bytes.count && Self.isWordByte(bytes[position]) { position += 1 }
                if dialect == .postgres, position == start + 1, byte | 0x20 == UInt8(ascii: "e"), peek(0) == UInt8(ascii: "'") {
                    try skipQuoted(close: UInt8(ascii: "'"), what: "string literal", backslashEscapes: true)
                    kind = .escapeString
                } else {
                    kind = .word
                }
            } else if Self.isDigit(byte) || (byte == UInt8(ascii: ".") && peek(1).map(Self.isDigit) == true) {
                position = Self.numberEnd(in: bytes, from: position)
                kind = .number
            } else if Self.isOperatorByte(byte) {
                scanOperator()
                kind = .operator
            } else {
                position += 1
                kind = .punctuation
            }
        }
        if kind != .lineComment && kind != .blockComment { previousByte = bytes[position - 1] }
        return SQLToken(kind: kind, range: start..<position)
    }

    // MARK: Byte classes

    static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || (b >= 0x09 && b <= 0x0D)
    }

    static func isDigit(_ b: UInt8) -> Bool {
        b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")
    }

    static func isWordStart(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || b == UInt8(ascii: "_") || b >= 0x80
    }

    static func isWordByte(_ b: UInt8) -> Bool {
        isWordStart(b) || isDigit(b) || b == UInt8(ascii: "$")
    }

    /// Where the number starting at `start` (a digit, or `.` and a digit) ends: digits, a
    /// fraction, an exponent (`e`, an optional sign, digits), as PostgreSQL's lexer reads them.
    static func numberEnd<Bytes: RandomAccessCollection<UInt8>>(in bytes: Bytes, from start: Int) -> Int where Bytes.Index == Int {
        var i = start
        func digits() { while i < bytes.count, isDigit(bytes[i]) { i += 1 } }
        digits()
        if i < bytes.count, bytes[i] == UInt8(ascii: "."), !(i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: ".")) {
            i += 1
            digits()
        }
        if i < bytes.count, bytes[i] | 0x20 == UInt8(ascii: "e") {
            var j = i + 1
            if j < bytes.count, bytes[j] == UInt8(ascii: "+") || bytes[j] == UInt8(ascii: "-") { j += 1 }
            if j < bytes.count, isDigit(bytes[j]) {
                i = j
                digits()
            }
        }
        return i
    }

    /// PostgreSQL's operator characters.
    static func isOperatorByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "*"), UInt8(ascii: "/"), UInt8(ascii: "<"), UInt8(ascii: ">"),
             UInt8(ascii: "="), UInt8(ascii: "~"), UInt8(ascii: "!"), UInt8(ascii: "@"), UInt8(ascii: "#"), UInt8(ascii: "%"),
             UInt8(ascii: "^"), UInt8(ascii: "&"), UInt8(ascii: "|"), UInt8(ascii: "`"), UInt8(ascii: "?"):
            return true
        default:
            return false
        }
    }

    // MARK: Tokens

    private func peek(_ ahead: Int) -> UInt8? {
        position + ahead < bytes.count ? bytes[position + ahead] : nil
    }

    /// An operator runs until a non-operator byte, the start of a comment, or (SQLite) a
    /// backtick, which opens a quoted name there.
    private mutating func scanOperator() {
        while position < bytes.count, Self.isOperatorByte(bytes[position]) {
            let b = bytes[position]
            if b == UInt8(ascii: "`") && dialect == .sqlite { break }
            if (b == UInt8(ascii: "-") && peek(1) == UInt8(ascii: "-")) || (b == UInt8(ascii: "/") && peek(1) == UInt8(ascii: "*")) {
                break
            }
            position += 1
        }
    }

    /// `::` (any run of colons) is a cast; `:name` a placeholder, except inside PostgreSQL's
    /// `[...]` right after a bound (`a[1:n]`, `a[lo:hi]`), where it is the upper bound of an
    /// array slice (after `[` or `,`, as in `ARRAY[:a, :b]`, it is a placeholder); any other `:`
    /// punctuation.
    private mutating func scanColon() -> SQLToken.Kind {
        let start = position
        if peek(1) == UInt8(ascii: ":") {
            position += 2
            while peek(0) == UInt8(ascii: ":") { position += 1 }
            return .cast
        }
        position += 1
        let sliceBound = bracketDepth > 0 && previousByte != UInt8(ascii: "[") && previousByte != UInt8(ascii: ",")
        guard !sliceBound, let first = peek(0), first < 0x80, Self.isWordStart(first),
              start == 0 || bytes[start - 1] != UInt8(ascii: ":") else { return .punctuation }
        while let b = peek(0), b < 0x80, Self.isWordStart(b) || Self.isDigit(b) { position += 1 }
        return .placeholder
    }

    /// Skips `-- ...`: to the end of the line (PostgreSQL also ends it at a carriage return).
    private mutating func skipLineComment() {
        position += 2
        while position < bytes.count {
            let b = bytes[position]
            if b == UInt8(ascii: "\n") || (b == UInt8(ascii: "\r") && dialect == .postgres) { return }
            position += 1
        }
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
                throw ScriptError(file: file, line: line(of: start), message: "cannot tell where this string ends: "
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
        position = bytes.count
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
        guard i < bytes.count, Self.isWordStart(bytes[i]) else { return nil }
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "$") { return i - position + 1 }
            guard Self.isWordStart(b) || Self.isDigit(b) else { return nil }
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

    // MARK: Errors

    private func unterminated(_ what: String, at offset: Int) -> ScriptError {
        ScriptError(file: file, line: line(of: offset), message: "unterminated \(what)")
    }

    /// The 1-based line of a byte offset (counted; errors are rare).
    func line(of offset: Int) -> Int {
        var line = 1
        var i = 0
        while i < offset && i < bytes.count {
            if bytes[i] == UInt8(ascii: "\n") { line += 1 }
            i += 1
        }
        return line
    }
}
