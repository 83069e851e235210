/// Integer literals compared against in a read query, sent as parameters, so that queries that
/// differ only in such a number share one prepared statement (20,000 lookups by id are then
/// parsed once per connection, as asyncpg's `$1` would be, instead of 20,000 times).
///
/// Only what cannot change a result is taken: a plain integer literal that fits `int4` (the type
/// PostgreSQL gives that literal), right after a comparison operator (`=`, `<>`, `!=`, `<`, `>`,
/// `<=`, `>=`), in a `SELECT` or `WITH` read, outside strings, quoted names and comments. The
/// parameter is declared `int4`, so operators and casts resolve exactly as for the literal. Each
/// `$n` is padded with spaces to the literal's length, so the server's error positions still
/// point into the query as written. Same literal, same parameter (`GROUP BY x = 10` still
/// matches `SELECT x = 10`). A query that already has `$n` parameters, or a literal shorter
/// than its placeholder, is left alone.
///
/// The server may plan a prepared statement generically after five executions (its
/// `plan_cache_mode`); `SET plan_cache_mode = force_custom_plan` through `--init` keeps each
/// execution planned with its values, as the literal text would be.
enum PostgresLiteralParameters {
    /// The rewritten query.
    struct Rewritten: Equatable {
        /// The SQL with literals replaced by padded `$n`.
        var sql: String
        /// The literals' texts, in parameter order.
        var values: [String]
    }

    /// PostgreSQL's type OID for `int4`, the type of every parameter made here.
    static let int4: UInt32 = 23

    /// `sql` with its comparison literals as parameters, or nil when there is none to take.
    static func rewrite(_ sql: String) -> Rewritten? {
        var bytes = Array(sql.utf8)
        guard startsWithReadKeyword(bytes) else { return nil }
        var scanner = Scanner(bytes: bytes)
        guard let literals = scanner.comparisonLiterals(), !literals.isEmpty else { return nil }
        var values: [String] = []
        for literal in literals {
            let text = String(decoding: bytes[literal], as: UTF8.self)
            let number = (values.firstIndex(of: text) ?? values.count) + 1
            let placeholder = Array("$\(number)".utf8)
            guard placeholder.count <= literal.count else { continue }
            if number > values.count { values.append(text) }
            for offset in 0..<literal.count {
                bytes[literal.lowerBound + offset] = offset < placeholder.count ? placeholder[offset] : UInt8(ascii: " ")
            }
        }
        guard !values.isEmpty else { return nil }
        return Rewritten(sql: String(decoding: bytes, as: UTF8.self), values: values)
    }

    /// Whether the first word is SELECT or WITH (any case), after white space and comments.
    private static func startsWithReadKeyword(_ bytes: [UInt8]) -> Bool {
        var scanner = Scanner(bytes: bytes)
        scanner.skipSpaceAndComments()
        let start = scanner.position
        while scanner.position < bytes.count, isWordByte(bytes[scanner.position]) { scanner.position += 1 }
        let word = bytes[start..<scanner.position].map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }
        return word.elementsEqual("SELECT".utf8) || word.elementsEqual("WITH".utf8)
    }

    fileprivate static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "_")
            || b == UInt8(ascii: "$") || b >= 0x80
    }

    fileprivate static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// PostgreSQL's operator characters.
    fileprivate static func isOperatorByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "*"), UInt8(ascii: "/"), UInt8(ascii: "<"), UInt8(ascii: ">"),
             UInt8(ascii: "="), UInt8(ascii: "~"), UInt8(ascii: "!"), UInt8(ascii: "@"), UInt8(ascii: "#"), UInt8(ascii: "%"),
             UInt8(ascii: "^"), UInt8(ascii: "&"), UInt8(ascii: "|"), UInt8(ascii: "`"), UInt8(ascii: "?"):
            return true
        default:
            return false
        }
    }

    private static let comparisons: [[UInt8]] = ["=", "<>", "!=", "<", ">", "<=", ">="].map { Array($0.utf8) }

    /// A tokenizer just fine enough to tell literals from strings, names, comments and operators.
    private struct Scanner {
        let bytes: [UInt8]
        var position = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        private func peek(_ ahead: Int) -> UInt8? {
            position + ahead < bytes.count ? bytes[position + ahead] : nil
        }

        mutating func skipSpaceAndComments() {
            while let b = peek(0) {
                if b == 0x20 || (b >= 0x09 && b <= 0x0D) {
                    position += 1
                } else if b == UInt8(ascii: "-"), peek(1) == UInt8(ascii: "-") {
                    while let c = peek(0), c != 0x0A { position += 1 }
                } else if b == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
                    var depth = 0
                    while position < bytes.count {
                        if peek(0) == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
                            depth += 1
                            position += 2
                        } else if peek(0) == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
                            depth -= 1
                            position += 2
                            if depth == 0 { break }
                        } else {
                            position += 1
                        }
                    }
                } else {
                    return
                }
            }
        }

        /// The byte ranges of the integer literals that follow a comparison operator, or nil
        /// when the text cannot be rewritten safely (it has `$n` parameters, or does not lex).
        mutating func comparisonLiterals() -> [Range<Int>]? {
            var found: [Range<Int>] = []
            var afterComparison = false
            while true {
                skipSpaceAndComments()
                guard let b = peek(0) else { return found }
                let start = position
                var isComparison = false
                if b == UInt8(ascii: "'") {
                    // E'...' takes backslash escapes; the E is the word just before.
                    let escapes = start > 0 && (bytes[start - 1] == UInt8(ascii: "E") || bytes[start - 1] == UInt8(ascii: "e"))
                        && (start < 2 || !isWordByte(bytes[start - 2]))
                    guard skipQuoted(UInt8(ascii: "'"), backslashEscapes: escapes) else { return nil }
                } else if b == UInt8(ascii: "\"") {
                    guard skipQuoted(UInt8(ascii: "\""), backslashEscapes: false) else { return nil }
                } else if b == UInt8(ascii: "$") {
                    if let next = peek(1), isDigit(next) { return nil }  // the query has parameters of its own
                    guard skipDollarQuote() else { return nil }
                } else if isDigit(b) || (b == UInt8(ascii: ".") && peek(1).map(isDigit) == true) {
                    while let c = peek(0), isDigit(c) { position += 1 }
                    let digitsEnd = position
                    let next = peek(0)
                    let plainInteger = next.map { !isWordByte($0) && $0 != UInt8(ascii: ".") } ?? true
                    if plainInteger, afterComparison, isDigit(b), fitsInt4(start..<digitsEnd) {
                        found.append(start..<digitsEnd)
                    }
                    // The rest of a decimal, exponent or trailing word belongs to this token.
                    while let c = peek(0), isWordByte(c) || c == UInt8(ascii: ".")
                        || ((c == UInt8(ascii: "+") || c == UInt8(ascii: "-")) && (bytes[position - 1] == UInt8(ascii: "e") || bytes[position - 1] == UInt8(ascii: "E"))) {
                        position += 1
                    }
                } else if isWordByte(b) {
                    while let c = peek(0), isWordByte(c) { position += 1 }
                } else if isOperatorByte(b) {
                    // An operator runs until a non-operator byte or the start of a comment.
                    while let c = peek(0), isOperatorByte(c) {
                        if (c == UInt8(ascii: "-") && peek(1) == UInt8(ascii: "-")) || (c == UInt8(ascii: "/") && peek(1) == UInt8(ascii: "*")) {
                            break
                        }
                        position += 1
                    }
                    isComparison = comparisons.contains { $0.elementsEqual(bytes[start..<position]) }
                } else {
                    position += 1  // ( ) , ; [ ] . : and the like
                }
                afterComparison = isComparison
            }
        }

        /// `int4`: a literal PostgreSQL types as integer (no leading zero, at most 2147483647).
        private func fitsInt4(_ range: Range<Int>) -> Bool {
            guard range.count <= 10, range.count == 1 || bytes[range.lowerBound] != UInt8(ascii: "0") else { return false }
            var value: Int64 = 0
            for b in bytes[range] { value = value * 10 + Int64(b - 0x30) }
            return value <= Int64(Int32.max)
        }

        /// Skips a quoted string or name; false if it does not end.
        private mutating func skipQuoted(_ quote: UInt8, backslashEscapes: Bool) -> Bool {
            position += 1
            while let c = peek(0) {
                if backslashEscapes && c == UInt8(ascii: "\\") {
                    position += 2
                } else if c == quote {
                    if peek(1) == quote {
                        position += 2
                    } else {
                        position += 1
                        return true
                    }
                } else {
                    position += 1
                }
            }
            return false
        }

        /// Skips `$tag$ ... $tag$`; false if it does not end. A `$` not opening a quote is skipped.
        private mutating func skipDollarQuote() -> Bool {
            var end = position + 1
            while end < bytes.count, bytes[end] != UInt8(ascii: "$") {
                guard isWordByte(bytes[end]), !(end == position + 1 && isDigit(bytes[end])) else {
                    position += 1
                    return true
                }
                end += 1
            }
            guard end < bytes.count else {
                position += 1
                return true
            }
            let tag = bytes[position...end]
            var scan = end + 1
            while scan + tag.count <= bytes.count {
                if bytes[scan] == UInt8(ascii: "$"), bytes[scan..<(scan + tag.count)].elementsEqual(tag) {
                    position = scan + tag.count
                    return true
                }
                scan += 1
            }
            return false
        }
    }
}
