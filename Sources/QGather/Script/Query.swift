/// One statement of a batch, with where it came from.
public struct Query: Sendable, Hashable {
    /// Position in the batch, from 0.
    public var index: Int
    /// The name from a `-- name: ...` comment above the statement, else `q1`, `q2`, ... by position.
    public var name: String
    /// The statement's SQL, without the terminating `;`.
    public var sql: String
    /// The file the statement came from (`-` for standard input, `<inline>` for library queries).
    public var file: String
    /// The 1-based line of the statement's first character in `file`.
    public var line: Int
    /// The 1-based column of the statement's first character in `file`.
    public var column: Int
    /// Values for the statement's `:name` placeholders, bound by the driver (never interpolated).
    public var parameters: [String: Value]

    /// Creates a query. Library users usually pass just the SQL (and a name).
    public init(_ sql: String, name: String? = nil, parameters: [String: Value] = [:], index: Int = 0, file: String = "<inline>",
                line: Int = 1, column: Int = 1) {
        self.index = index
        self.parameters = parameters
        self.name = name ?? "q\(index + 1)"
        self.sql = sql
        self.file = file
        self.line = line
        self.column = column
    }

    /// Maps a UTF-8 byte offset inside `sql` to a line and column of the file.
    public func location(ofByteOffset offset: Int) -> (line: Int, column: Int) {
        var line = self.line
        var column = self.column
        for (i, byte) in sql.utf8.enumerated() {
            if i >= offset { break }
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {  // count characters, not continuation bytes
                column += 1
            }
        }
        return (line, column)
    }
}

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

/// A placeholder with no value to bind.
public struct ParameterError: Error, Sendable, CustomStringConvertible {
    /// The query that uses the placeholder.
    public var query: Query
    /// The parameter's name.
    public var name: String

    /// `FILE:LINE: NAME: no value for parameter :name`.
    public var description: String {
        "\(query.file):\(query.line): \(query.name): no value for parameter :\(name) (give --param \(name)=VALUE)"
    }
}
