/// Why a query did not produce rows: the database's error, a cancellation or a timeout.
///
/// `description` is one line, `FILE:LINE[:COLUMN]: NAME: MESSAGE`, for stderr. Bound parameter
/// values never appear in it.
public struct QueryError: Error, Sendable, CustomStringConvertible {
    /// The broad class of failure.
    public enum Kind: String, Sendable, Hashable {
        /// The database rejected or failed the statement.
        case database
        /// The query was interrupted because the batch was cancelled (fail-fast, task cancellation, SIGINT).
        case cancelled
        /// The query ran longer than its timeout and was interrupted.
        case timedOut = "timed_out"
        /// The connection broke (server gone, backend terminated); the pool discards it.
        case connectionLost = "connection_lost"
        /// The query ran but its result did not meet its `-- expect:` (`Query.expectation`).
        case checkFailed = "failed_check"
    }

    /// The broad class of failure.
    public var kind: Kind
    /// The driver's code: a SQLite result code name (`SQLITE_ERROR`), a PostgreSQL SQLSTATE
    /// (`42P01`), or qgather's own (`Code.cancelled`, `.timedOut`, `.connect`, ...).
    public var code: Code
    /// SQLite's extended result code, when the error came from SQLite.
    public var extendedCode: Int32?
    /// The primary message.
    public var message: String
    /// PostgreSQL's severity (`ERROR`, `FATAL`, ...).
    public var severity: String?
    /// PostgreSQL's detail field.
    public var detail: String?
    /// PostgreSQL's hint field.
    public var hint: String?
    /// The query that failed (set by the gatherer when the error is attached to a query).
    public var query: Query?
    /// The error's position in the file (1-based), when the database reported one.
    public var line: Int?
    /// The error's column in the file (1-based), when the database reported one.
    public var column: Int?
    /// Byte offset of the error in the query's SQL, when the database reported one.
    public var offset: Int?

    /// Creates an error.
    public init(kind: Kind, code: Code, message: String, extendedCode: Int32? = nil, severity: String? = nil,
                detail: String? = nil, hint: String? = nil, offset: Int? = nil, query: Query? = nil) {
        self.kind = kind
        self.code = code
        self.message = message
        self.extendedCode = extendedCode
        self.severity = severity
        self.detail = detail
        self.hint = hint
        self.offset = offset
        if let query { attach(to: query) }
    }

    /// An error for a query interrupted because its batch was cancelled.
    public static func cancelled(_ query: Query? = nil) -> QueryError {
        QueryError(kind: .cancelled, code: .cancelled, message: "cancelled", query: query)
    }

    /// Records which query failed and maps the error offset to a line and column of its file.
    public mutating func attach(to query: Query) {
        self.query = query
        if let offset {
            let location = query.location(ofByteOffset: offset)
            line = location.line
            column = location.column
        }
    }

    /// `FILE:LINE[:COLUMN]: NAME: MESSAGE`.
    public var description: String {
        var prefix = ""
        if let query {
            prefix = "\(query.file):\(line ?? query.line)"
            if let column { prefix += ":\(column)" }
            prefix += ": \(query.name): "
        }
        var text = prefix + message
        if let detail { text += " (detail: \(detail))" }
        if let hint { text += " (hint: \(hint))" }
        return text.replacingOccurrences(of: "\n", with: " ")
    }
}
