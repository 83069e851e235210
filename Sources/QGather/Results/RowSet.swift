import Synchronization

/// The result of one statement: columns and rows, or the number of rows a DML statement changed.
///
/// Rows are held compactly in `chunks` (one byte buffer per chunk); `rows` decodes them into
/// `Value`s on first use and keeps that.
public struct RowSet: Sendable {
    /// The result's columns, in order.
    public var columns: [Column]
    /// Rows changed by INSERT/UPDATE/DELETE; `nil` for statements that return rows.
    public var rowsAffected: Int?
    /// How `.real` values render as text for this engine.
    public var realRendering: RealRendering
    /// How many rows went straight to the output as they were read (the CLI's streaming)
    /// instead of into this row set; 0 for a library caller.
    public var streamedRowCount: Int
    /// The rows held, compactly, in order.
    package private(set) var chunks: [RowChunk]
    private var cache = RowCache()

    /// Creates a row set from values.
    public init(columns: [Column], rows: [[Value]], rowsAffected: Int? = nil, realRendering: RealRendering = .sqlite, streamedRowCount: Int = 0) {
        self.columns = columns
        self.rowsAffected = rowsAffected
        self.realRendering = realRendering
        self.streamedRowCount = streamedRowCount
        self.chunks = RowSet.chunks(from: rows, columnCount: columns.count, reals: realRendering)
        cache.store(rows)
    }

    /// Creates a row set from compact chunks (what drivers produce).
    package init(columns: [Column], chunks: [RowChunk], realRendering: RealRendering, streamedRowCount: Int = 0) {
        self.columns = columns
        self.rowsAffected = nil
        self.realRendering = realRendering
        self.streamedRowCount = streamedRowCount
        self.chunks = chunks.filter { !$0.isEmpty }
    }

    /// The rows held, as values; each has exactly `columns.count` values.
    public var rows: [[Value]] {
        get {
            if let rows = cache.rows { return rows }
            let rows = chunks.flatMap { chunk in (0..<chunk.rowCount).map { chunk.row($0) } }
            cache.store(rows)
            return rows
        }
        set {
            chunks = RowSet.chunks(from: newValue, columnCount: columns.count, reals: realRendering)
            cache = RowCache()
            cache.store(newValue)
        }
    }

    /// Rows held (not counting streamed ones).
    public var heldRowCount: Int { chunks.reduce(0) { $0 + $1.rowCount } }

    /// Rows returned in all: those held plus those streamed.
    public var rowCount: Int { heldRowCount + streamedRowCount }

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

    private static func chunks(from rows: [[Value]], columnCount: Int, reals: RealRendering) -> [RowChunk] {
        guard !rows.isEmpty, columnCount > 0 else { return [] }
        var chunk = RowChunk(columnCount: columnCount)
        for row in rows {
            for value in row { chunk.append(value, reals: reals) }
        }
        return [chunk]
    }
}
