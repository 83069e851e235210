/// Integer literals compared against in a read query, sent as parameters, so that queries that
/// differ only in such a number share one prepared statement (20,000 lookups by id are then
/// parsed once per connection, as asyncpg's `$1` would be, instead of 20,000 times).
///
/// Only what cannot change a result is taken, in a `SELECT` or `WITH` read: a column (a name
/// that is not a constant keyword) compared (`=`, `<>`, `!=`, `<`, `>`, `<=`, `>=`) with a plain
/// integer literal that fits `int4`, the literal followed by nothing that could combine with it
/// (a word other than OPERATOR, `)`, `,`, `;` or the end). The parameter is declared `int4`, the
/// type PostgreSQL gives the literal, so operators and implicit casts resolve exactly as for it,
/// and a column compared with a value folds nothing while planning either way. Each `$n` is
/// padded with spaces to the literal's length, so the server's error positions still point into
/// the query as written. Same literal, same parameter.
///
/// The whole text is left alone when it holds any other constant (a string, a dollar quote, a
/// number not taken: a generic plan, which the server may choose after five executions of a
/// prepared statement, folds constants that the literal's own folding would have spared, and
/// `'now'` would be frozen at the first execution), `$n` parameters of its own, a backslash,
/// GROUP BY or DISTINCT (whose expressions must match others), or more than `maxParameters`
/// such literals. It is also left alone when its rows may depend on the plan beyond their
/// order (`planDependentWords`): LIMIT, OFFSET, FETCH, DISTINCT ON, TABLESAMPLE, window
/// functions (OVER, WINDOW) and aggregates that follow their input order (any function whose
/// name ends in AGG: array_agg, string_agg, json_agg, xmlagg, ...). A generic plan may scan in
/// another order, and `WHERE unique1 > 8687 FETCH FIRST ROW ONLY` then returns another row.
///
/// What remains visible: `current_query()` and `pg_stat_activity` show the `$n` text, and a
/// generic plan can return the rows of a query without ORDER BY in another order (never other
/// rows); `SET plan_cache_mode = force_custom_plan` through `--init` keeps each execution planned
/// with its values.
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
            guard placeholder.count <= literal.count else { return nil }  // it would stay a constant
            if number > values.count { values.append(text) }
            for offset in 0..<literal.count {
                bytes[literal.lowerBound + offset] = offset < placeholder.count ? placeholder[offset] : UInt8(ascii: " ")
            }
        }
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

    /// Words whose presence may make a text's rows (not only their order) depend on the plan,
    /// or whose expressions must match others (GROUP BY, DISTINCT): such a text is left alone.
    static let planDependentWords = ["GROUP", "DISTINCT", "LIMIT", "OFFSET", "FETCH", "TABLESAMPLE", "OVER", "WINDOW"]

    /// Whether `word` (any case) is one of `planDependentWords` or names an order-following
    /// aggregate (ends in AGG).
    fileprivate static func dependsOnThePlan(_ word: ArraySlice<UInt8>) -> Bool {
        func upper(_ b: UInt8) -> UInt8 { b >= 0x61 && b <= 0x7A ? b - 0x20 : b }
        if word.count >= 3, word.suffix(3).map(upper).elementsEqual("AGG".utf8) { return true }
        return planDependentWords.contains { $0.utf8.count == word.count && zip(word, $0.utf8).allSatisfy { upper($0) == $1 } }
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

        /// The byte ranges of the integer literals to take, or nil when the text must not be
        /// rewritten: it has `$n` parameters, GROUP BY or DISTINCT, any other constant (a string,
        /// a dollar quote, or a number that is not taken), or does not lex.
        mutating func comparisonLiterals() -> [Range<Int>]? {
            var found: [Range<Int>] = []
            var afterComparison = false
            var previousIsColumn = false  // the token just read names a column (or so it seems)
            var previousWord: ArraySlice<UInt8> = []
            var pending: Range<Int>?  // a candidate, taken if what follows cannot combine with it
            while true {
                skipSpaceAndComments()
                let b = peek(0)
                if pending != nil {
                    let standsAlone = b.map { isWordByte($0) && !isDigit($0) && $0 != UInt8(ascii: "$") || $0 == UInt8(ascii: ")")
                        || $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: ";") } ?? true
                    guard standsAlone, !startsWord("OPERATOR") else { return nil }  // `10 OPERATOR(+) 1`
                    found.append(pending!)
                    pending = nil
                }
                guard let b else { return found }
                let start = position
                var isComparison = false
                var isColumn = false
                var word: ArraySlice<UInt8> = []
                if b == UInt8(ascii: "'") {
                    return nil  // a string constant
                } else if b == UInt8(ascii: "\"") {
                    guard skipQuoted(UInt8(ascii: "\"")) else { return nil }
                    isColumn = true
                } else if b == UInt8(ascii: "$") {
                    return nil  // a dollar-quoted constant, or parameters of the query's own
                } else if isDigit(b) || b == UInt8(ascii: ".") && peek(1).map(isDigit) == true {
                    while let c = peek(0), isDigit(c) { position += 1 }
                    let plainInteger = peek(0).map { !isWordByte($0) && $0 != UInt8(ascii: ".") } ?? true
                    guard plainInteger, afterComparison, isDigit(b), fitsInt4(start..<position) else { return nil }
                    pending = start..<position
                } else if isWordByte(b) {
                    while let c = peek(0), isWordByte(c) { position += 1 }
                    word = bytes[start..<position]
                    if PostgresLiteralParameters.dependsOnThePlan(word) { return nil }
                    isColumn = !constantKeywords.contains { equalsIgnoringCase(word, $0) }
                } else if isOperatorByte(b) {
                    // An operator runs until a non-operator byte or the start of a comment.
                    while let c = peek(0), isOperatorByte(c) {
                        if (c == UInt8(ascii: "-") && peek(1) == UInt8(ascii: "-")) || (c == UInt8(ascii: "/") && peek(1) == UInt8(ascii: "*")) {
                            break
                        }
                        position += 1
                    }
                    // A column against the literal: a comparison of two constants folds while
                    // planning, and a generic plan would then fold what it guards instead. Not `:=`
                    // (a named argument) nor `ORDER BY ... USING <` (a sort operator).
                    isComparison = previousIsColumn && comparisons.contains { $0.elementsEqual(bytes[start..<position]) }
                        && (start == 0 || bytes[start - 1] != UInt8(ascii: ":"))
                        && !equalsIgnoringCase(previousWord, "USING")
                } else {
                    position += 1  // ( ) , ; [ ] . : and the like
                }
                afterComparison = isComparison
                previousIsColumn = isColumn
                previousWord = word
            }
        }

        /// Words that end an operand without naming a column: constants and `CASE ... END`.
        private let constantKeywords = ["NULL", "TRUE", "FALSE", "END", "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP",
                                        "LOCALTIME", "LOCALTIMESTAMP", "CURRENT_USER", "CURRENT_ROLE", "SESSION_USER", "USER",
                                        "SYSTEM_USER", "CURRENT_CATALOG", "CURRENT_SCHEMA", "USING"]

        /// Whether the word at the current position is `keyword`.
        private func startsWord(_ keyword: String) -> Bool {
            var end = position
            while end < bytes.count, isWordByte(bytes[end]) { end += 1 }
            return equalsIgnoringCase(bytes[position..<end], keyword)
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

        /// Skips a quoted name (`""` stands for a quote in it); false if it does not end.
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
    }
}
