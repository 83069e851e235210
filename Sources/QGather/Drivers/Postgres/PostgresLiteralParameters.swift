/// Integer literals compared against in a read query, sent as parameters, so that queries that
/// differ only in such a number share one prepared statement (20,000 lookups by id are then
/// parsed once per connection, as asyncpg's `$1` would be, instead of 20,000 times).
///
/// Only what cannot change a result is taken: a plain integer literal that fits `int4` (the type
/// PostgreSQL gives that literal), right after a comparison operator (`=`, `<>`, `!=`, `<`, `>`,
/// `<=`, `>=`) and followed by nothing that could combine with it (only a word, `)`, `,`, `;` or
/// the end: no operator, cast, subscript or field), in a `SELECT` or `WITH` read. The parameter is
/// declared `int4`, so operators and implicit casts resolve exactly as for the literal, and a
/// bare comparison of an `int4` cannot fail at run time where the literal would have failed while
/// planning. Each `$n` is padded with spaces to the literal's length, so the server's error
/// positions still point into the query as written. Same literal, same parameter.
///
/// The whole text is left alone when it has `$n` parameters of its own, a backslash (whose
/// meaning in strings depends on `standard_conforming_strings`), GROUP BY or DISTINCT (whose
/// expressions must match others written elsewhere, perhaps as `'10'` or `010`), more than
/// `maxParameters` such literals, or does not lex.
///
/// What remains visible: `current_query()` and `pg_stat_activity` show the `$n` text, and the
/// server may plan a prepared statement generically after five executions (its
/// `plan_cache_mode`; `SET plan_cache_mode = force_custom_plan` through `--init` keeps each
/// execution planned with its values), which can change the order of rows a query without
/// ORDER BY returns, never which rows match.
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
    /// Most parameters made for one query (a generated query with thousands of comparisons is
    /// left as written).
    static let maxParameters = 100

    /// `sql` with its comparison literals as parameters, or nil when there is none to take.
    static func rewrite(_ sql: String) -> Rewritten? {
        var bytes = Array(sql.utf8)
        guard startsWithReadKeyword(bytes), !bytes.contains(UInt8(ascii: "\\")) else { return nil }
        var scanner = Scanner(bytes: bytes)
        guard let literals = scanner.comparisonLiterals(), !literals.isEmpty, literals.count <= maxParameters else { return nil }
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
                    while let c = peek(0), c != 0x0A, c != 0x0D { position += 1 }  // as PostgreSQL: either ends it
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

        /// The byte ranges of the integer literals that follow a comparison operator and stand
        /// alone, or nil when the text must not be rewritten (it has `$n` parameters, GROUP BY or
        /// DISTINCT, or does not lex).
        mutating func comparisonLiterals() -> [Range<Int>]? {
            var found: [Range<Int>] = []
            var afterComparison = false
            var previousWord: ArraySlice<UInt8> = []
            var pending: Range<Int>?  // a candidate, taken if what follows cannot combine with it
            while true {
                skipSpaceAndComments()
                let b = peek(0)
                if let candidate = pending {
                    pending = nil
                    let standsAlone = b.map { isWordByte($0) && !isDigit($0) && $0 != UInt8(ascii: "$") || $0 == UInt8(ascii: ")")
                        || $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: ";") } ?? true
                    if standsAlone { found.append(candidate) }
                }
                guard let b else { return found }
                let start = position
                var isComparison = false
                var word: ArraySlice<UInt8> = []
                if b == UInt8(ascii: "'") {
                    guard skipQuoted(UInt8(ascii: "'")) else { return nil }
                } else if b == UInt8(ascii: "\"") {
                    guard skipQuoted(UInt8(ascii: "\"")) else { return nil }
                } else if b == UInt8(ascii: "$") {
                    if let next = peek(1), isDigit(next) { return nil }  // the query has parameters of its own
                    guard skipDollarQuote() else { return nil }
                } else if isDigit(b) || (b == UInt8(ascii: ".") && peek(1).map(isDigit) == true) {
                    while let c = peek(0), isDigit(c) { position += 1 }
                    let digitsEnd = position
                    let next = peek(0)
                    let plainInteger = next.map { !isWordByte($0) && $0 != UInt8(ascii: ".") } ?? true
                    if plainInteger, afterComparison, isDigit(b), fitsInt4(start..<digitsEnd) {
                        pending = start..<digitsEnd
                    }
                    // The rest of a decimal, exponent or trailing word belongs to this token
                    // (a `$` does not: it may open a dollar quote).
                    while let c = peek(0), (isWordByte(c) && c != UInt8(ascii: "$")) || c == UInt8(ascii: ".")
                        || ((c == UInt8(ascii: "+") || c == UInt8(ascii: "-")) && (bytes[position - 1] == UInt8(ascii: "e") || bytes[position - 1] == UInt8(ascii: "E"))) {
                        position += 1
                    }
                } else if isWordByte(b) {
                    while let c = peek(0), isWordByte(c) { position += 1 }
                    word = bytes[start..<position]
                    if equalsIgnoringCase(word, "GROUP") || equalsIgnoringCase(word, "DISTINCT") { return nil }
                } else if isOperatorByte(b) {
                    // An operator runs until a non-operator byte or the start of a comment.
                    while let c = peek(0), isOperatorByte(c) {
                        if (c == UInt8(ascii: "-") && peek(1) == UInt8(ascii: "-")) || (c == UInt8(ascii: "/") && peek(1) == UInt8(ascii: "*")) {
                            break
                        }
                        position += 1
                    }
                    // Not `:=` (a named argument) nor `ORDER BY ... USING <` (a sort operator).
                    isComparison = comparisons.contains { $0.elementsEqual(bytes[start..<position]) }
                        && (start == 0 || bytes[start - 1] != UInt8(ascii: ":"))
                        && !equalsIgnoringCase(previousWord, "USING")
                } else {
                    position += 1  // ( ) , ; [ ] . : and the like
                }
                afterComparison = isComparison
                previousWord = word
            }
        }

        private func equalsIgnoringCase(_ word: ArraySlice<UInt8>, _ keyword: String) -> Bool {
            word.count == keyword.utf8.count && zip(word, keyword.utf8).allSatisfy { ($0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0) == $1 }
        }

        /// `int4`: a literal PostgreSQL types as integer (no leading zero, at most 2147483647).
        private func fitsInt4(_ range: Range<Int>) -> Bool {
            guard range.count <= 10, range.count == 1 || bytes[range.lowerBound] != UInt8(ascii: "0") else { return false }
            var value: Int64 = 0
            for b in bytes[range] { value = value * 10 + Int64(b - 0x30) }
            return value <= Int64(Int32.max)
        }

        /// Skips a quoted string or name (the text has no backslash, so `''` is the only
        /// escape, whatever the string's kind); false if it does not end.
        private mutating func skipQuoted(_ quote: UInt8) -> Bool {
            position += 1
            while let c = peek(0) {
                if c == quote {
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
