import Synchronization

/// A result column: its name and its declared or reported type name.
public struct Column: Sendable, Hashable {
    /// The column's name as the database reports it.
    public var name: String
    /// The declared type (SQLite decltype, empty for expressions) or the PostgreSQL type name.
    public var type: String

    /// Creates a column description.
    public init(name: String, type: String) {
        self.name = name
        self.type = type
    }
}
