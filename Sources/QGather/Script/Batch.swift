/// An ordered list of queries to run together.
public struct Batch: Sendable {
    /// The queries, in input order; `queries[i].index == i`.
    public var queries: Queries

    /// Creates a batch, renumbering the queries by position (names given by position follow).
    public init(_ queries: [Query]) {
        self.queries = Queries(queries.enumerated().map { i, q in
            var query = q
            if query.name == "q\(query.index + 1)" { query.name = "q\(i + 1)" }
            query.index = i
            return query
        })
    }

    /// Wraps queries already numbered `0..<count`, without the copy renumbering makes.
    init(numbered queries: [Query]) {
        self.queries = Queries(queries)
    }

    /// The statements of scripts split in order (numbered across them), held compactly.
    init(scripts: [ScriptStatements]) {
        self.queries = Queries(scripts: scripts)
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
        // Only a statement with a `:` can hold a placeholder: the others are not made into queries.
        var candidates: [Int] = []
        queries.forEachSQL { index, sql in
            if sql.contains(UInt8(ascii: ":")) { candidates.append(index) }
        }
        for i in candidates {
            var query = queries[i]
            let names = SQLPlaceholder.names(SQLPlaceholder.find(in: query, dialect: dialect))
            guard !names.isEmpty else { continue }
            for name in names {
                guard let value = values[name] ?? query.parameters[name] else {
                    throw ParameterError(query: query, name: name)
                }
                query.parameters[name] = value
                unused.remove(name)
            }
            queries[i] = query
        }
        return unused
    }
}
