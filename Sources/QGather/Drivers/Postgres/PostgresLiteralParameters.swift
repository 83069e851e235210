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
/// functions (OVER, WINDOW), `ARRAY(SELECT ...)` / `JSON_ARRAY(...)` and aggregates that follow
/// their input order (any function whose name, quoted or not, ends in AGG: array_agg,
/// string_agg, json_agg, xmlagg, ...). A generic plan may scan in
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
        guard !bytes.contains(UInt8(ascii: "\\")), let literals = comparisonLiterals(in: bytes), !literals.isEmpty,
              literals.count <= maxParameters else { return nil }
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

    /// Words whose presence may make a text's rows (not only their order) depend on the plan,
    /// or whose expressions must match others (GROUP BY, DISTINCT): such a text is left alone.
    static let planDependentWords = ["GROUP", "DISTINCT", "LIMIT", "OFFSET", "FETCH", "TABLESAMPLE", "OVER", "WINDOW", "ARRAY",
                                     "JSON_ARRAY"]

    /// Whether `word` (any case) is one of `planDependentWords` or names an order-following
    /// aggregate (ends in AGG).
    private static func dependsOnThePlan(_ word: ArraySlice<UInt8>) -> Bool {
        if word.count >= 3, word.suffix(3).map(upper).elementsEqual("AGG".utf8) { return true }
        return planDependentWords.contains { equalsIgnoringCase(word, $0) }
    }

    private static let comparisons: [[UInt8]] = ["=", "<>", "!=", "<", ">", "<=", ">="].map { Array($0.utf8) }

    /// Words that end an operand without naming a column: constants and `CASE ... END`.
    private static let constantKeywords = ["NULL", "TRUE", "FALSE", "END", "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP",
                                           "LOCALTIME", "LOCALTIMESTAMP", "CURRENT_USER", "CURRENT_ROLE", "SESSION_USER", "USER",
                                           "SYSTEM_USER", "CURRENT_CATALOG", "CURRENT_SCHEMA", "USING"]

    /// The byte ranges of the integer literals to take, read from `SQLLexer`'s tokens, or nil
    /// when the text must not be rewritten: it is not a SELECT or WITH, does not lex, has `$n`
    /// parameters or a dollar sign, a plan-dependent word, any other constant (a string, a
    /// dollar quote, or a number that is not taken).
    private static func comparisonLiterals(in bytes: [UInt8]) -> [Range<Int>]? {
        var lexer = SQLLexer(bytes: bytes, dialect: .postgres)
        var found: [Range<Int>] = []
        var afterComparison = false
        var previousIsColumn = false  // the token just read names a column (or so it seems)
        var previousWord: ArraySlice<UInt8> = []
        var pending: Range<Int>?  // a candidate, taken if what follows cannot combine with it
        var first = true
        while true {
            let token: SQLToken?
            do {
                token = try lexer.next()
            } catch {
                return nil
            }
            if let token, token.kind == .lineComment || token.kind == .blockComment { continue }
            if first {
                guard let token, token.kind == .word,
                      equalsIgnoringCase(bytes[token.range], "SELECT") || equalsIgnoringCase(bytes[token.range], "WITH") else { return nil }
                first = false
            }
            if let literal = pending {
                // Taken only if nothing that could combine with it follows: a word other than
                // OPERATOR (`10 OPERATOR(+) 1`), `)`, `,`, `;` or the end.
                guard standsAlone(token, after: literal, in: bytes) else { return nil }
                found.append(literal)
                pending = nil
            }
            guard let token else { return found }
            let text = bytes[token.range]
            var isComparison = false
            var isColumn = false
            var word: ArraySlice<UInt8> = []
            switch token.kind {
            case .string, .escapeString, .dollarString, .positionalParameter:
                return nil  // a constant, or parameters of the query's own
            case .punctuation where text.first == UInt8(ascii: "$"):
                return nil
            case .quotedIdentifier:
                if dependsOnThePlan(text.dropFirst().dropLast()) { return nil }  // "array_agg"(x)
                isColumn = true
            case .number:
                guard afterComparison, text.allSatisfy(SQLLexer.isDigit), fitsInt4(text) else { return nil }
                pending = token.range
            case .word:
                if dependsOnThePlan(text) { return nil }
                word = text
                isColumn = !constantKeywords.contains { equalsIgnoringCase(text, $0) }
            case .operator:
                // A column against the literal: a comparison of two constants folds while
                // planning, and a generic plan would then fold what it guards instead. Not `:=`
                // (a named argument) nor `ORDER BY ... USING <` (a sort operator).
                isComparison = previousIsColumn && comparisons.contains { $0.elementsEqual(text) }
                    && (token.range.lowerBound == 0 || bytes[token.range.lowerBound - 1] != UInt8(ascii: ":"))
                    && !equalsIgnoringCase(previousWord, "USING")
            default:
                break  // ( ) , ; [ ] . : casts and the like
            }
            afterComparison = isComparison
            previousIsColumn = isColumn
            previousWord = word
        }
    }

    /// Whether `next`, the token after an integer `literal`, leaves it alone: nothing glued to
    /// it (`12345abc`, `12.`), and then a word other than OPERATOR, `)`, `,`, `;` or the end.
    private static func standsAlone(_ next: SQLToken?, after literal: Range<Int>, in bytes: [UInt8]) -> Bool {
        guard let next else { return true }
        let text = bytes[next.range]
        if next.range.lowerBound == literal.upperBound, next.kind == .word || next.kind == .number || text.first == UInt8(ascii: ".") {
            return false
        }
        switch next.kind {
        case .word:
            return !equalsIgnoringCase(text, "OPERATOR") && text.first != UInt8(ascii: "$")
        case .punctuation:
            return text.first == UInt8(ascii: ")") || text.first == UInt8(ascii: ",") || text.first == UInt8(ascii: ";")
        default:
            return false
        }
    }

    private static func upper(_ b: UInt8) -> UInt8 { b >= 0x61 && b <= 0x7A ? b - 0x20 : b }

    private static func equalsIgnoringCase(_ word: ArraySlice<UInt8>, _ keyword: String) -> Bool {
        word.count == keyword.utf8.count && zip(word, keyword.utf8).allSatisfy { upper($0) == $1 }
    }

    /// `int4`: a literal PostgreSQL types as integer (no leading zero, at most 2147483647).
    private static func fitsInt4(_ digits: ArraySlice<UInt8>) -> Bool {
        guard digits.count <= 10, digits.count == 1 || digits.first != UInt8(ascii: "0") else { return false }
        var value: Int64 = 0
        for b in digits { value = value * 10 + Int64(b - 0x30) }
        return value <= Int64(Int32.max)
    }
}
