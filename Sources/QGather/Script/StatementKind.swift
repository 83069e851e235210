/// What a statement does, judged from its keywords (outside strings and comments).
public enum StatementKind {
    /// Upper-cased keywords and identifiers of `sql`, in order.
    static func words(of sql: String, dialect: SQLDialect) -> [String] {
        var lexer = Lexer(bytes: Array(sql.utf8), dialect: dialect, file: "")
        lexer.collectWords = true
        _ = try? lexer.statements(firstIndex: 0)
        return lexer.words
    }

    /// The first two keywords of `sql`: enough to classify it, without lexing a long statement.
    static func leadingWords(of sql: String, dialect: SQLDialect) -> [String] {
        var utf8 = sql.utf8[...]
        var words: [String] = []
        while words.count < 2 {
            utf8 = utf8.drop { $0 == 0x20 || (0x09...0x0D).contains($0) }
            if utf8.starts(with: "--".utf8) || utf8.starts(with: "/*".utf8) || utf8.first.map({ $0 >= 0x80 }) == true {
                // A comment (or a non-ASCII letter) before the first words: ask the lexer.
                return Array(self.words(of: sql, dialect: dialect).prefix(2))
            }
            let word = utf8.prefix { Lexer.isWordStart($0) && $0 < 0x80 }
            if word.isEmpty { break }
            words.append(String(decoding: word, as: UTF8.self).uppercased())
            utf8 = utf8.dropFirst(word.count)
        }
        return words
    }

    /// Whether `sql` only reads: a SELECT, VALUES, TABLE, SHOW or EXPLAIN without ANALYZE, or a
    /// WITH query with no data-changing statement inside. Only such queries are retried.
    public static func isReadOnly(_ sql: String, dialect: SQLDialect) -> Bool {
        isReadOnly(words: words(of: sql, dialect: dialect))
    }

    /// Whether `sql` is exactly one read-only statement: what may share a pipeline with others
    /// (the extended protocol takes one statement per query, and a write must never run after
    /// a fail-fast error just because it was already sent).
    static func isSingleRead(_ sql: String, dialect: SQLDialect) -> Bool {
        var lexer = Lexer(bytes: Array(sql.utf8), dialect: dialect, file: "")
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
    public static func sessionStatement(_ sql: String, dialect: SQLDialect) -> String? {
        let words = leadingWords(of: sql, dialect: dialect)
        guard let first = words.first else { return nil }
        if sessionWords.contains(first) {
            if first == "START" && words.dropFirst().first != "TRANSACTION" { return nil }
            return first == "START" ? "START TRANSACTION" : first
        }
        if first == "PRAGMA" && sql.contains("=") { return "PRAGMA assignment" }
        return nil
    }
}
