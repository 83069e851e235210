/// A statement's low-cardinality summary for spans (OpenTelemetry's `db.operation.name` and
/// `db.query.summary`): its first keyword and the first table it names, never a value.
struct QuerySummary: Sendable, Equatable {
    /// `SELECT`, `INSERT`, `WITH`, ...
    var operation: String
    /// `SELECT orders`, or the operation alone when no table is named.
    var summary: String

    /// Reads `sql` with the lexer: words only, so strings, comments and parameters never show.
    init(sql: String, dialect: SQLDialect) {
        let words = StatementKind.words(of: sql, dialect: dialect)
        let operation = words.first ?? "SQL"
        self.operation = operation
        let table: String?
        if operation == "UPDATE" {
            table = words.dropFirst().first { $0 != "ONLY" }
        } else if let at = words.firstIndex(where: { ["FROM", "INTO", "TABLE"].contains($0) }), at + 1 < words.count {
            table = words[at + 1]
        } else {
            table = nil
        }
        summary = table.map { "\(operation) \($0.lowercased())" } ?? operation
    }
}
