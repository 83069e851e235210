/// An ordered list of queries to run together.
public struct Batch: Sendable {
    /// The queries, in input order; `queries[i].index == i`.
    public var queries: [Query]

    /// Creates a batch, renumbering the queries by position (names given by position follow).
    public init(_ queries: [Query]) {
        self.queries = queries.enumerated().map { i, q in
            var query = q
            if query.name == "q\(query.index + 1)" { query.name = "q\(i + 1)" }
            query.index = i
            return query
        }
    }

    /// Wraps queries already numbered `0..<count` (as the splitter numbers them), without the
    /// copy renumbering makes: a script of millions of statements is held once, not twice.
    init(numbered queries: [Query]) {
        self.queries = queries
    }

    /// Creates a batch of inline SQL strings, named `q1`, `q2`, ...
    public init(sql: [String]) {
        self.init(sql.enumerated().map { Query($1, index: $0) })
    }

    /// The number of queries.
    public var count: Int { queries.count }

    /// Gives every query the values its `:name` placeholders use, out of `values`.
    /// Throws, before anything runs, for the first placeholder that has no value.
    /// Returns the names in `values` that no query uses.
    @discardableResult
    public mutating func bind(_ values: [String: Value], dialect: SQLDialect) throws(ParameterError) -> Set<String> {
        var unused = Set(values.keys)
        for i in queries.indices {
            for name in SQLPlaceholder.names(SQLPlaceholder.find(in: queries[i].sql, dialect: dialect)) {
                guard let value = values[name] ?? queries[i].parameters[name] else {
                    throw ParameterError(query: queries[i], name: name)
                }
                queries[i].parameters[name] = value
                unused.remove(name)
            }
        }
        return unused
    }
}
