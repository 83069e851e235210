/// A `:name` placeholder in SQL text: where a bound parameter goes.
package struct SQLPlaceholder: Sendable, Hashable {
    /// The parameter's name, without the colon.
    package var name: String
    /// The UTF-8 byte range of `:name` in the SQL.
    package var range: Range<Int>

    /// Creates a placeholder.
    package init(name: String, range: Range<Int>) {
        self.name = name
        self.range = range
    }

    /// The `:name` placeholders of `sql`, in order, found by the same lexer that splits scripts:
    /// text inside strings, quoted identifiers, comments and dollar quotes, and `::` casts, is not
    /// a placeholder.
    package static func find(in sql: String, dialect: SQLDialect) -> [SQLPlaceholder] {
        guard sql.utf8.contains(UInt8(ascii: ":")) else { return [] }  // the common case, without lexing
        var lexer = StatementScanner(bytes: Array(sql.utf8), dialect: dialect, file: "")
        _ = try? lexer.statements(firstIndex: 0)
        return lexer.placeholders
    }

    /// `find(in:dialect:)` on a query's SQL; a statement without a `:` is not read further.
    package static func find(in query: Query, dialect: SQLDialect) -> [SQLPlaceholder] {
        guard query.withUTF8SQL({ $0.contains(UInt8(ascii: ":")) }) else { return [] }
        return find(in: query.sql, dialect: dialect)
    }

    /// The distinct names in `placeholders`, in order of first use.
    package static func names(_ placeholders: [SQLPlaceholder]) -> [String] {
        var seen = Set<String>()
        return placeholders.map(\.name).filter { seen.insert($0).inserted }
    }
}
