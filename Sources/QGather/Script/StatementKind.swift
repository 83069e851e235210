/// What a statement does, judged from its keywords (outside strings and comments).
package enum StatementKind {
    /// Upper-cased keywords and identifiers of `sql`, in order (those before the point where it
    /// stops lexing, if it does not lex).
    static func words(of sql: String, dialect: SQLDialect) -> [String] {
        lexedWords(of: sql, dialect: dialect).words
    }

    /// The words of `sql`, and whether all of it lexed.
    private static func lexedWords(of sql: String, dialect: SQLDialect) -> (words: [String], complete: Bool) {
        var lexer = StatementScanner(bytes: Array(sql.utf8), dialect: dialect, file: "")
        lexer.collectWords = true
        let complete = (try? lexer.statements(firstIndex: 0)) != nil
        return (lexer.words, complete)
    }

    /// The first two keywords of `sql`: enough to classify it, without lexing a long statement.
    static func leadingWords(of sql: String, dialect: SQLDialect) -> [String] {
        // A comment, quote or non-ASCII letter before the first words: ask the lexer.
        plainWords(of: sql, limit: 2) ?? Array(words(of: sql, dialect: dialect).prefix(2))
    }

    /// The upper-cased words of `sql` (at most `limit`) read byte by byte, when no byte before
    /// the last of them needs the lexer: a quote, comment, dollar quote, bracket, semicolon,
    /// backslash, `-`, `/`, a `:name` placeholder or a non-ASCII byte makes it return nil (`::`
    /// casts are fine). Most batch statements are this plain, and classifying them this way costs
    /// a fraction of a lexer pass.
    static func plainWords(of sql: String, limit: Int = .max) -> [String]? {
        var sql = sql
        return sql.withUTF8 { plainWords(of: $0, limit: limit) }
    }

    /// `plainWords(of:limit:)` on UTF-8 bytes.
    static func plainWords(of bytes: UnsafeBufferPointer<UInt8>, limit: Int = .max) -> [String]? {
        var words: [String] = []
        let plain = scanPlainWords(bytes) { range in
            words.append(StatementScanner.uppercased(ArraySlice(bytes[range])))
            return words.count < limit
        }
        return plain ? words : nil
    }

    /// The tokenizing of `plainWords`, without making the words: calls `visit` with the byte
    /// range of each word in order (as written, not upper-cased) until it returns false. Returns
    /// false when a byte before that point needs the lexer.
    static func scanPlainWords(_ bytes: UnsafeBufferPointer<UInt8>, visit: (Range<Int>) -> Bool) -> Bool {
        var start = -1  // where the current word began; -1 outside a word
        func endWord(at end: Int) -> Bool {
            guard start >= 0 else { return true }
            defer { start = -1 }
            return visit(start..<end)
        }
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
                if start < 0 { start = i }
                i += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9") where start >= 0:
                i += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                i = SQLLexer.numberEnd(in: bytes, from: i)  // `1e5` is a number, as the lexer reads it
            case UInt8(ascii: ":") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: ":"):
                guard endWord(at: i) else { return true }
                i += 1
                while i < bytes.count && bytes[i] == UInt8(ascii: ":") { i += 1 }
            case 0x80...0xFF, UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "$"), UInt8(ascii: "-"), UInt8(ascii: "/"),
                 UInt8(ascii: ";"), UInt8(ascii: "`"), UInt8(ascii: "["), UInt8(ascii: "\\"), UInt8(ascii: ":"):
                return false
            default:
                guard endWord(at: i) else { return true }
                i += 1
            }
        }
        _ = endWord(at: bytes.count)
        return true
    }

    /// Whether `word` is `keyword` (upper-case ASCII) in any case.
    private static func word(_ word: UnsafeBufferPointer<UInt8>, is keyword: [UInt8]) -> Bool {
        guard word.count == keyword.count else { return false }
        for (byte, letter) in zip(word, keyword) where (byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte) != letter { return false }
        return true
    }

    private static let readingFirstWords = ["SELECT", "VALUES", "TABLE", "WITH"].map { Array($0.utf8) }
    private static let writingWordBytes = writingWords.map { Array($0.utf8) }
    private static let sessionWordBytes = (sessionWords.sorted() + ["PRAGMA"]).map { Array($0.utf8) }
    private static let (showBytes, explainBytes, analyzeBytes) = (Array("SHOW".utf8), Array("EXPLAIN".utf8), Array("ANALYZE".utf8))

    /// `isReadOnly(words: plainWords(of: sql))` without making the words; nil when the text
    /// is not plain.
    static func plainIsReadOnly(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        enum First { case none, reading, show, explain, other }
        var first = First.none
        var writing = false
        var analyze = false
        let plain = scanPlainWords(bytes) { range in
            let text = UnsafeBufferPointer(rebasing: bytes[range])
            if first == .none {
                first = readingFirstWords.contains { word(text, is: $0) } ? .reading
                    : word(text, is: showBytes) ? .show : word(text, is: explainBytes) ? .explain : .other
            }
            if !writing && writingWordBytes.contains(where: { word(text, is: $0) }) { writing = true }
            if !analyze && word(text, is: analyzeBytes) { analyze = true }
            return true
        }
        guard plain else { return nil }
        switch first {
        case .reading: return !writing
        case .show: return true
        case .explain: return !analyze && !writing
        case .none, .other: return false
        }
    }

    /// Whether `sql` only reads: a SELECT, VALUES, TABLE, SHOW or EXPLAIN without ANALYZE, or a
    /// WITH query with no data-changing statement inside. Only such queries are retried.
    package static func isReadOnly(_ sql: String, dialect: SQLDialect) -> Bool {
        if let words = plainWords(of: sql) { return isReadOnly(words: words) }
        // A text that does not lex may hide a writing word behind the point where it stops.
        let (words, complete) = lexedWords(of: sql, dialect: dialect)
        return complete && isReadOnly(words: words)
    }

    /// Whether `sql` is exactly one read-only statement: what may share a pipeline with others
    /// (the extended protocol takes one statement per query, and a write must never run after
    /// a fail-fast error just because it was already sent).
    static func isSingleRead(_ sql: String, dialect: SQLDialect) -> Bool {
        if let words = plainWords(of: sql) { return isReadOnly(words: words) }  // no `;`: one statement
        return isSingleReadLexed(sql, dialect: dialect)
    }

    /// `isSingleRead` of a query's SQL, read in place when it is plain.
    static func isSingleRead(_ query: Query, dialect: SQLDialect) -> Bool {
        if let readOnly = query.withUTF8SQL(plainIsReadOnly) { return readOnly }
        return isSingleReadLexed(query.sql, dialect: dialect)
    }

    private static func isSingleReadLexed(_ sql: String, dialect: SQLDialect) -> Bool {
        var lexer = StatementScanner(bytes: Array(sql.utf8), dialect: dialect, file: "")
        lexer.collectWords = true
        guard let statements = try? lexer.statements(firstIndex: 0), statements.count == 1 else { return false }
        return isReadOnly(words: lexer.words)
    }

    private static func isReadOnly(words: [String]) -> Bool {
        guard let first = words.first else { return false }
        switch first {
        case "SELECT", "VALUES", "TABLE", "WITH":
            return !words.contains { writingWords.contains($0) }
        case "SHOW": return true
        case "EXPLAIN": return !words.contains("ANALYZE") && !words.contains { writingWords.contains($0) }
        default: return false
        }
    }

    private static let writingWords: Set<String> = ["INSERT", "UPDATE", "DELETE", "MERGE", "REPLACE", "CREATE", "DROP", "ALTER",
                                                    "TRUNCATE", "COPY", "INTO"]
    private static let sessionWords: Set<String> = ["BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE",
                                                    "SET", "RESET", "DISCARD", "ATTACH", "DETACH", "LISTEN", "UNLISTEN", "PREPARE",
                                                    "DEALLOCATE", "LOAD"]

    /// If `sql` changes the session or transaction state (BEGIN, COMMIT, SET, ATTACH, a PRAGMA
    /// assignment, ...), the words that say so; such statements would apply to one random
    /// connection of a parallel batch.
    package static func sessionStatement(_ sql: String, dialect: SQLDialect) -> String? {
        sessionStatement(words: leadingWords(of: sql, dialect: dialect), sql: sql)
    }

    /// `sessionStatement` of a query's SQL, read in place when it is plain.
    package static func sessionStatement(_ query: Query, dialect: SQLDialect) -> String? {
        query.withUTF8SQL { sessionStatement(utf8: $0, dialect: dialect) }
    }

    /// `sessionStatement` of UTF-8 SQL, read in place when it is plain.
    package static func sessionStatement(utf8 bytes: UnsafeBufferPointer<UInt8>, dialect: SQLDialect) -> String? {
        // The first two words, as `leadingWords` reads them (a byte that needs the lexer before
        // the second word sends it to the lexer, as it would there).
        var session = false
        var words = 0
        let plain = scanPlainWords(bytes) { range in
            if words == 0 { session = sessionWordBytes.contains { word(UnsafeBufferPointer(rebasing: bytes[range]), is: $0) } }
            words += 1
            return words < 2
        }
        // Most statements start with neither kind of word: their text is not made.
        if plain && !session { return nil }
        return sessionStatement(String(decoding: bytes, as: UTF8.self), dialect: dialect)
    }

    private static func sessionStatement(words: [String], sql: String) -> String? {
        guard let first = words.first else { return nil }
        if sessionWords.contains(first) {
            if first == "START" && words.dropFirst().first != "TRANSACTION" { return nil }
            return first == "START" ? "START TRANSACTION" : first
        }
        if first == "PRAGMA" && sql.contains("=") { return "PRAGMA assignment" }
        return nil
    }
}
