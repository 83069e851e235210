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

/// How an engine renders floating point numbers as text, so output matches its own tools.
public enum RealRendering: Sendable, Hashable {
    /// SQLite's `%!.15g` (what `sqlite3_column_text` returns for a REAL).
    case sqlite
    /// PostgreSQL's shortest round-trip rendering (`float8out` with `extra_float_digits = 1`).
    case postgres
}

/// The result of one statement: columns and rows, or the number of rows a DML statement changed.
public struct RowSet: Sendable {
    /// The result's columns, in order.
    public var columns: [Column]
    /// The rows; each has exactly `columns.count` values.
    public var rows: [[Value]]
    /// Rows changed by INSERT/UPDATE/DELETE; `nil` for statements that return rows.
    public var rowsAffected: Int?
    /// How `.real` values render as text for this engine.
    public var realRendering: RealRendering
    /// How many rows went straight to a `RowStreamSink` instead of into `rows`.
    public var streamedRowCount: Int

    /// Creates a row set.
    public init(columns: [Column], rows: [[Value]], rowsAffected: Int? = nil, realRendering: RealRendering = .sqlite, streamedRowCount: Int = 0) {
        self.columns = columns
        self.rows = rows
        self.rowsAffected = rowsAffected
        self.realRendering = realRendering
        self.streamedRowCount = streamedRowCount
    }

    /// Rows returned in all: those held plus those streamed.
    public var rowCount: Int { rows.count + streamedRowCount }

    /// Whether the statement returned rows (a SELECT) rather than a change count.
    public var returnsRows: Bool { rowsAffected == nil }

    /// The index of the column named `name` (first match, exact then case-insensitive).
    public func columnIndex(named name: String) -> Int? {
        columns.firstIndex { $0.name == name }
            ?? columns.firstIndex { $0.name.lowercased() == name.lowercased() }
    }

    /// The text a value renders as in this row set (NULL renders as `nil`).
    public func text(of value: Value) -> String? {
        ValueText.render(value, reals: realRendering)
    }
}
