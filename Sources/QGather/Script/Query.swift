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
    /// What the query must return to pass as a check (`-- expect:` above it), if anything.
    public var expectation: Expectation?
    /// Interrupts this query once it has run this long (`-- timeout:` above it), instead of
    /// `GatherOptions.timeout`.
    public var timeout: Duration?

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
