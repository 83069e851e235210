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
        var prefix = Substring(sql)
        var words: [String] = []
        while words.count < 2 {
            prefix = prefix.drop { $0.isWhitespace }
            if prefix.hasPrefix("--") || prefix.hasPrefix("/*") {
                // A comment before the first word: fall back to the lexer.
                return Array(self.words(of: sql, dialect: dialect).prefix(2))
            }
            let word = prefix.prefix { $0.isLetter || $0 == "_" }
            if word.isEmpty { break }
            words.append(word.uppercased())
            prefix = prefix.dropFirst(word.count)
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
        let writes: Set<String> = ["INSERT", "UPDATE", "DELETE", "MERGE", "REPLACE", "CREATE", "DROP", "ALTER", "TRUNCATE", "COPY", "INTO"]
        switch first {
        case "SELECT", "VALUES", "TABLE", "WITH":
            return !words.contains { writes.contains($0) }
        case "SHOW": return true
        case "EXPLAIN": return !words.contains("ANALYZE") && !words.contains { writes.contains($0) }
        default: return false
        }
    }

    /// If `sql` changes the session or transaction state (BEGIN, COMMIT, SET, ATTACH, a PRAGMA
    /// assignment, ...), the words that say so; such statements would apply to one random
    /// connection of a parallel batch.
    public static func sessionStatement(_ sql: String, dialect: SQLDialect) -> String? {
        let words = leadingWords(of: sql, dialect: dialect)
        guard let first = words.first else { return nil }
        let session: Set<String> = ["BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE", "SET", "RESET",
                                    "DISCARD", "ATTACH", "DETACH", "LISTEN", "UNLISTEN", "PREPARE", "DEALLOCATE", "LOAD"]
        if session.contains(first) {
            if first == "START" && words.dropFirst().first != "TRANSACTION" { return nil }
            return first == "START" ? "START TRANSACTION" : first
        }
        if first == "PRAGMA" && sql.contains("=") { return "PRAGMA assignment" }
        return nil
    }
}
