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

    /// Creates a query. Library users usually pass just the SQL (and a name).
    public init(_ sql: String, name: String? = nil, index: Int = 0, file: String = "<inline>", line: Int = 1, column: Int = 1) {
        self.index = index
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
}
