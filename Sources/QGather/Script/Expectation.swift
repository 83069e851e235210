/// What a check query must return (`-- expect:` above the statement): no rows, a number of rows,
/// or one value. A query whose result does not meet it fails with a `QueryError` of kind
/// `.checkFailed`; its outcome's status is `failedCheck`.
public enum Expectation: Sendable, Hashable, CustomStringConvertible {
    /// `-- expect: no rows`.
    case noRows
    /// `-- expect: rows = N` (also `!=`, `<`, `<=`, `>`, `>=`): the rows returned, or for a
    /// statement that changes rows, the rows changed.
    case rowCount(Comparison, Int)
    /// `-- expect: value = TEXT`: one row of one column whose text is `TEXT` (as csv prints it).
    case value(String)

    /// How a row count compares with the expected number.
    public enum Comparison: String, Sendable, Hashable, CaseIterable {
        /// `=`
        case equal = "="
        /// `!=`
        case notEqual = "!="
        /// `<`
        case less = "<"
        /// `<=`
        case lessOrEqual = "<="
        /// `>`
        case greater = ">"
        /// `>=`
        case greaterOrEqual = ">="

        /// Whether `count` compares with `expected` this way.
        public func holds(_ count: Int, _ expected: Int) -> Bool {
            switch self {
            case .equal: return count == expected
            case .notEqual: return count != expected
            case .less: return count < expected
            case .lessOrEqual: return count <= expected
            case .greater: return count > expected
            case .greaterOrEqual: return count >= expected
            }
        }
    }

    /// As written after `-- expect:`: `no rows`, `rows >= 3`, `value = ok`.
    public var description: String {
        switch self {
        case .noRows: return "no rows"
        case .rowCount(let comparison, let count): return "rows \(comparison.rawValue) \(count)"
        case .value(let text): return "value = \(text)"
        }
    }

    /// Parses what follows `expect:`; nil if it is none of the forms above.
    public init?(parsing text: String) {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        let lower = words.map { $0.lowercased() }
        if lower == ["no", "rows"] {
            self = .noRows
            return
        }
        if let first = lower.first, first.hasPrefix("rows"), first.dropFirst(4).first.map({ !$0.isLetter }) ?? true {
            // `rows>=3`, `rows >= 3` and `rows >=3` alike.
            let rest = text.drop { $0 == " " || $0 == "\t" }.dropFirst(4).filter { $0 != " " && $0 != "\t" }
            let symbol = String(rest.prefix { "=<>!".contains($0) })
            let number = rest.dropFirst(symbol.count)
            guard let comparison = Comparison(rawValue: symbol == "==" ? "=" : symbol), !number.isEmpty,
                  number.allSatisfy(\.isASCII), let count = Int(number), count >= 0 else { return nil }
            self = .rowCount(comparison, count)
            return
        }
        if let first = lower.first, first.hasPrefix("value"), first.dropFirst(5).first.map({ !$0.isLetter }) ?? true {
            var rest = text.drop { $0 == " " || $0 == "\t" }.dropFirst(5).drop { $0 == " " || $0 == "\t" }
            guard rest.first == "=" else { return nil }
            rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" }
            var value = String(rest)
            while let last = value.last, last == " " || last == "\t" || last == "\r" { value.removeLast() }
            // 'quoted' keeps spaces at either end; '' inside is one quote.
            if value.count >= 2, value.hasPrefix("'"), value.hasSuffix("'") {
                value = String(value.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'")
            }
            self = .value(value)
            return
        }
        return nil
    }
}
