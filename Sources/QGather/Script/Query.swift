/// One statement of a batch, with where it came from.
///
/// Stored compactly, since a generated batch holds millions: a statement split from a file keeps
/// its SQL as a range of the file's bytes (shared by every statement of the file), and the
/// rarely set `expectation` and `timeout` live in one optional box.
public struct Query: Sendable, Hashable {
    /// Position in the batch, from 0.
    public var index: Int
    /// The name from a `-- name: ...` comment above the statement, else `q1`, `q2`, ... by position.
    public var name: String
    /// The file the statement came from (`-` for standard input, `<inline>` for library queries).
    public var file: String
    private var position: (line: UInt32, column: UInt32)
    /// Values for the statement's `:name` placeholders, bound by the driver (never interpolated).
    public var parameters: [String: Value]
    private var text: Text
    private var extras: Extras?

    /// The SQL's storage: a string of its own, or a range of a script's bytes.
    private enum Text: Sendable {
        case owned(String)
        case slice([UInt8], start: UInt32, end: UInt32)

        var string: String {
            switch self {
            case .owned(let sql): return sql
            case .slice(let bytes, let start, let end): return String(decoding: bytes[Int(start)..<Int(end)], as: UTF8.self)
            }
        }
    }

    /// What few queries carry, boxed so that the rest do not pay for it.
    private final class Extras: Sendable {
        let expectation: Expectation?
        let timeout: Duration?

        init(expectation: Expectation?, timeout: Duration?) {
            self.expectation = expectation
            self.timeout = timeout
        }
    }

    /// The statement's SQL, without the terminating `;`.
    public var sql: String {
        get { text.string }
        set { text = .owned(newValue) }
    }

    /// Calls `body` with the SQL's UTF-8 bytes; a statement split from a script is read in
    /// place, without making its String.
    package func withUTF8SQL<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        switch text {
        case .owned(var sql):
            return try sql.withUTF8(body)
        case .slice(let bytes, let start, let end):
            return try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[Int(start)..<Int(end)])) }
        }
    }

    /// The SQL's length in UTF-8 bytes, without making the string.
    var sqlByteCount: Int {
        switch text {
        case .owned(let sql): return sql.utf8.count
        case .slice(_, let start, let end): return Int(end - start)
        }
    }

    /// The 1-based line of the statement's first character in `file` (kept as 32 bits: clamped to 0...4,294,967,295).
    public var line: Int {
        get { Int(position.line) }
        set { position.line = UInt32(clamping: newValue) }
    }

    /// The 1-based column of the statement's first character in `file` (clamped as `line`).
    public var column: Int {
        get { Int(position.column) }
        set { position.column = UInt32(clamping: newValue) }
    }

    /// What the query must return to pass as a check (`-- expect:` above it), if anything.
    public var expectation: Expectation? {
        get { extras?.expectation }
        set { setExtras(expectation: newValue, timeout: timeout) }
    }

    /// Interrupts this query once it has run this long (`-- timeout:` above it), instead of
    /// `GatherOptions.timeout`.
    public var timeout: Duration? {
        get { extras?.timeout }
        set { setExtras(expectation: expectation, timeout: newValue) }
    }

    private mutating func setExtras(expectation: Expectation?, timeout: Duration?) {
        extras = expectation == nil && timeout == nil ? nil : Extras(expectation: expectation, timeout: timeout)
    }

    /// Creates a query. Library users usually pass just the SQL (and a name).
    public init(_ sql: String, name: String? = nil, parameters: [String: Value] = [:], index: Int = 0, file: String = "<inline>",
                line: Int = 1, column: Int = 1) {
        self.index = index
        self.parameters = parameters
        self.name = name ?? "q\(index + 1)"
        self.text = .owned(sql)
        self.file = file
        self.position = (UInt32(clamping: line), UInt32(clamping: column))
    }

    /// A query whose SQL is `bytes[range]` of a script, without copying it (past 4 GiB into a
    /// script, where the bounds no longer fit, a copy).
    init(bytes: [UInt8], range: Range<Int>, name: String, index: Int, file: String, line: Int, column: Int) {
        self.index = index
        self.parameters = [:]
        self.name = name
        if range.upperBound <= Int(UInt32.max) {
            self.text = .slice(bytes, start: UInt32(range.lowerBound), end: UInt32(range.upperBound))
        } else {
            self.text = .owned(String(decoding: bytes[range], as: UTF8.self))
        }
        self.file = file
        self.position = (UInt32(clamping: line), UInt32(clamping: column))
    }

    /// Queries are equal when every property is (the SQL compared as text, however it is stored).
    public static func == (lhs: Query, rhs: Query) -> Bool {
        lhs.index == rhs.index && lhs.name == rhs.name && lhs.file == rhs.file && lhs.position == rhs.position
            && lhs.parameters == rhs.parameters && lhs.expectation == rhs.expectation && lhs.timeout == rhs.timeout && lhs.sql == rhs.sql
    }

    /// Hashes every property, the SQL as text.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(index)
        hasher.combine(name)
        hasher.combine(sql)
        hasher.combine(file)
        hasher.combine(position.line)
        hasher.combine(position.column)
        hasher.combine(parameters)
        hasher.combine(expectation)
        hasher.combine(timeout)
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

extension Query: CustomReflectable {
    /// The properties as a reader knows them (the SQL as text), not the compact storage: a
    /// statement's slice would otherwise show every byte of its script.
    public var customMirror: Mirror {
        Mirror(self, children: ["index": index, "name": name, "sql": sql, "file": file, "line": line, "column": column,
                                "parameters": parameters, "expectation": expectation as Any, "timeout": timeout as Any],
               displayStyle: .struct)
    }
}
