/// One row of a streamed result (``RowSequence``): its columns and values.
public struct Row: Sendable {
    /// The result's columns, in order (shared by every row of the result).
    public let columns: [Column]
    /// The values, one per column.
    public let values: [Value]

    /// Creates a row.
    public init(columns: [Column], values: [Value]) {
        self.columns = columns
        self.values = values
    }

    /// The value of the column named `name` (exact, then case-insensitive), or nil if there is no such column.
    public subscript(_ name: String) -> Value? {
        guard let index = columns.firstIndex(where: { $0.name == name }) ?? columns.firstIndex(where: { $0.name.lowercased() == name.lowercased() })
        else { return nil }
        return values[index]
    }

    /// The value of the column named `column` as `T`; a clear error names the column and type when it does not fit.
    public func value<T: DatabaseValueConvertible>(_ type: T.Type = T.self, column: String) throws(RowDecodingError) -> T {
        try RowSet(columns: columns, rows: [values]).value(type, row: 0, column: column)
    }

    /// The row decoded into `T` by column name.
    public func decode<T: Decodable>(_ type: T.Type, keys: RowKeyStrategy = .useColumnNames) throws -> T {
        try RowSet(columns: columns, rows: [values]).decode(type, keys: keys)[0]
    }
}
