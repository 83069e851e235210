/// SQL text whose interpolated values are bound as parameters, never spliced into the text, in
/// the style of GRDB's `SQL` and PostgresNIO's `PostgresQuery`.
///
/// ```swift
/// let rows = try await db.query("SELECT * FROM orders WHERE customer_id = \(id) AND day >= \(since)")
/// ```
///
/// Each interpolated value becomes a `:_pN` placeholder bound by the driver (`$N` on
/// PostgreSQL). A fragment interpolates as SQL (`\(filter)` with `filter: SQL`), an identifier
/// quoted (`\(identifier: table)`), and trusted text as is (`\(unsafeRaw: "DESC")`). A value
/// interpolated inside a quoted string is an error when the query runs, not a silent literal.
public struct SQL: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible {
    enum Piece: Sendable, Hashable {
        case text(String)
        case value(Value)
    }

    var pieces: [Piece]
    /// Values for `:name` placeholders written in the text itself (`init(sql:parameters:)`).
    var named: [String: Value]

    /// Text with no interpolated values.
    public init(stringLiteral value: String) {
        pieces = [.text(value)]
        named = [:]
    }

    /// Text with interpolated values, fragments and identifiers.
    public init(stringInterpolation: StringInterpolation) {
        pieces = stringInterpolation.pieces
        named = stringInterpolation.named
    }

    /// SQL text taken as it is, with values for its own `:name` placeholders. Use it for SQL
    /// built elsewhere (a file, a string variable); Swift interpolation inside `sql` splices.
    public init(sql: String, parameters: [String: Value] = [:]) {
        pieces = [.text(sql)]
        named = parameters
    }

    /// Builds the pieces of an interpolated `SQL` literal.
    public struct StringInterpolation: StringInterpolationProtocol, Sendable {
        var pieces: [Piece] = []
        var named: [String: Value] = [:]

        /// Reserves room for the literal's pieces.
        public init(literalCapacity: Int, interpolationCount: Int) {
            pieces.reserveCapacity(interpolationCount * 2 + 1)
        }

        /// A literal segment: SQL text.
        public mutating func appendLiteral(_ literal: String) {
            if !literal.isEmpty { pieces.append(.text(literal)) }
        }

        /// A value, bound as a parameter.
        public mutating func appendInterpolation<T: DatabaseValueRepresentable>(_ value: T) {
            pieces.append(.value(value.databaseValue))
        }

        /// An optional value, bound as a parameter: NULL for nil.
        public mutating func appendInterpolation<T: DatabaseValueRepresentable>(_ value: T?) {
            pieces.append(.value(value?.databaseValue ?? .null))
        }

        /// A fragment of SQL, with its own bound values.
        public mutating func appendInterpolation(_ fragment: SQL) {
            pieces.append(contentsOf: fragment.pieces)
            named.merge(fragment.named) { _, new in new }
        }

        /// An identifier (a table or column name), double-quoted with `"` doubled: safe for any
        /// name, and case-sensitive as quoted identifiers are.
        public mutating func appendInterpolation(identifier: String) {
            pieces.append(.text("\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""))
        }

        /// Text spliced into the SQL as it is. Only for text the program controls (a sort
        /// direction from a fixed list, say), never for input.
        public mutating func appendInterpolation(unsafeRaw text: String) {
            pieces.append(.text(text))
        }
    }

    /// The fragments one after the other, with their bound values.
    public static func + (lhs: SQL, rhs: SQL) -> SQL {
        var result = lhs
        result.pieces += rhs.pieces
        result.named.merge(rhs.named) { _, new in new }
        return result
    }

    /// The SQL with `:_pN` where each interpolated value goes.
    public var description: String { render().sql }

    /// The text with numbered placeholders, and every value by name.
    func render() -> (sql: String, parameters: [String: Value], generated: [String]) {
        var sql = ""
        var parameters = named
        var generated: [String] = []
        var number = 0
        for piece in pieces {
            switch piece {
            case .text(let text):
                sql += text
            case .value(let value):
                number += 1
                while named["_p\(number)"] != nil { number += 1 }  // a name of the caller's own stays theirs
                let name = "_p\(number)"
                generated.append(name)
                parameters[name] = value
                sql += ":" + name
            }
        }
        return (sql, parameters, generated)
    }

    /// The query this SQL runs as, named `name` and located at the caller's `file:line` (so an
    /// error names the Swift source line). Throws when an interpolated value landed where the
    /// driver cannot bind it: inside a quoted string or a comment.
    func query(dialect: SQLDialect, name: String?, file: String, line: Int) throws(QueryError) -> Query {
        let (text, parameters, generated) = render()
        var query = Query(text, name: name ?? "query", parameters: parameters, file: file, line: line)
        if dialect == .postgres, let nul = generated.firstIndex(where: { parameters[$0]?.containsNUL == true }) {
            query.parameters = [:]
            throw QueryError(kind: .database, code: "22021",
                             message: "interpolated value \(nul + 1) contains a NUL character, which PostgreSQL text cannot hold", query: query)
        }
        if !generated.isEmpty {
            let found = Set(SQLPlaceholder.find(in: text, dialect: dialect).map(\.name))
            if let lost = generated.firstIndex(where: { !found.contains($0) }) {
                query.parameters = [:]
                throw QueryError(kind: .database, code: .parameter,
                                 message: "interpolated value \(lost + 1) is inside a quoted string or a comment, where it cannot be bound: "
                                     + "write \\(value) outside the quotes", query: query)
            }
        }
        return query
    }
}

extension Value {
    /// Text holding a NUL character, which libpq's C strings would cut short.
    var containsNUL: Bool {
        switch self {
        case .text(let s), .json(let s), .decimal(let s): return s.utf8.contains(0)
        default: return false
        }
    }
}
