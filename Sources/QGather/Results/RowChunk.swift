/// Rows stored compactly: every cell's text in one contiguous byte buffer, with a small record
/// per cell. This is how drivers hand rows over and how results are kept: no heap object per
/// value, and output formats can copy a cell's bytes straight to the output.
package struct RowChunk: Sendable {
    /// What a cell holds; its bytes are the engine's own text rendering of the value.
    package enum Kind: UInt8, Sendable {
        case null, integer, real, decimal, bool, text, json
        /// Raw bytes (SQLite BLOB).
        case blob
        /// PostgreSQL bytea in the server's `\x` hex text.
        case byteaHex
    }

    struct Cell {
        var start: UInt32
        var length: UInt32
        var kind: Kind
        /// The exact double's 8 bytes follow the text (SQLite REAL, whose text has 15 digits).
        var exactDouble = false
    }

    /// Cells per row.
    package let columnCount: Int
    /// Cell text; only the first `used` bytes are written. The array is kept longer than what is
    /// used (zero-filled) so that appending a cell is a plain copy, not `Array.append`'s
    /// per-call bookkeeping, which cost more than the copy for a typical cell of a few bytes.
    private(set) var bytes: [UInt8] = []
    private var used = 0
    private(set) var cells: [Cell] = []

    /// An empty chunk for rows of `columnCount` cells.
    package init(columnCount: Int) {
        self.columnCount = max(1, columnCount)
    }

    /// An empty chunk with room for `rows` rows and `byteCount` bytes of cell text, so that a
    /// driver filling it does not grow (and copy) its buffers again and again.
    init(columnCount: Int, reservingRows rows: Int, bytes byteCount: Int) {
        self.init(columnCount: columnCount)
        cells.reserveCapacity(rows * self.columnCount)
        bytes = [UInt8](repeating: 0, count: byteCount)
    }

    /// Bytes of cell text held (with the 8 bytes of each exact double).
    package var byteCount: Int { used }

    /// Copies `source` after the text held. Full storage grows by a quarter (at least 64 bytes):
    /// the zeros are written, so the slack is resident memory and must stay small (a batch of
    /// 100,000 one-row results holds 100,000 chunks).
    @inline(__always)
    private mutating func appendBytes(_ source: UnsafeRawBufferPointer) {
        let count = source.count
        guard count > 0 else { return }
        if used + count > bytes.count {
            bytes.append(contentsOf: repeatElement(0, count: Swift.max(used + count - bytes.count, used / 4, 64)))
        }
        let offset = used
        bytes.withUnsafeMutableBytes { target in
            target.baseAddress!.advanced(by: offset).copyMemory(from: source.baseAddress!, byteCount: count)
        }
        used += count
    }

    /// Rows held.
    package var rowCount: Int { cells.count / columnCount }

    /// Whether no row is held.
    package var isEmpty: Bool { cells.isEmpty }

    /// Appends a cell (cells fill rows left to right, top to bottom).
    package mutating func append(_ kind: Kind, bytes cellBytes: UnsafeRawBufferPointer) {
        cells.append(Cell(start: UInt32(used), length: UInt32(cellBytes.count), kind: kind))
        appendBytes(cellBytes)
    }

    /// Appends a NULL cell.
    package mutating func appendNull() {
        cells.append(Cell(start: UInt32(used), length: 0, kind: .null))
    }

    /// Appends a SQLite REAL: its `%!.15g` text for output, and the exact double after it.
    mutating func appendReal(text: UnsafeRawBufferPointer, value: Double) {
        cells.append(Cell(start: UInt32(used), length: UInt32(text.count), kind: .real, exactDouble: true))
        appendBytes(text)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { appendBytes($0) }
    }

    /// Appends a cell from a `Value` (for rows that did not come from a driver).
    package mutating func append(_ value: Value, reals: RealRendering) {
        switch value {
        case .null: appendNull()
        case .blob(let b): b.withUnsafeBytes { append(.blob, bytes: $0) }
        case .real(let d) where reals == .sqlite:
            var text = ValueText.sqliteReal(d)
            text.withUTF8 { appendReal(text: UnsafeRawBufferPointer($0), value: d) }
        default:
            let kind: Kind
            switch value {
            case .integer: kind = .integer
            case .real: kind = .real
            case .decimal: kind = .decimal
            case .bool: kind = .bool
            case .json: kind = .json
            default: kind = .text
            }
            var text = ValueText.render(value, reals: reals) ?? ""
            text.withUTF8 { append(kind, bytes: UnsafeRawBufferPointer($0)) }
        }
    }

    /// Calls `body` with a cell's kind and bytes (valid only during the call).
    @inline(__always)
    package func withCell<R>(row: Int, column: Int, _ body: (Kind, UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let cell = cells[row * columnCount + column]
        return try bytes.withUnsafeBufferPointer { all in
            try body(cell.kind, UnsafeBufferPointer(rebasing: all[Int(cell.start)..<Int(cell.start + cell.length)]))
        }
    }

    /// Calls `body` for each cell of `row` in order, with its kind and bytes.
    @inline(__always)
    package func forEachCell(row: Int, _ body: (Int, Kind, UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        try bytes.withUnsafeBufferPointer { all in
            for column in 0..<columnCount {
                let cell = cells[row * columnCount + column]
                try body(column, cell.kind, UnsafeBufferPointer(rebasing: all[Int(cell.start)..<Int(cell.start + cell.length)]))
            }
        }
    }

    /// The value of a cell, decoded from its text.
    package func value(row: Int, column: Int) -> Value {
        let cell = cells[row * columnCount + column]
        if cell.exactDouble {
            var bits: UInt64 = 0
            withUnsafeMutableBytes(of: &bits) { target in
                bytes.withUnsafeBytes { source in
                    target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[Int(cell.start + cell.length)..<Int(cell.start + cell.length + 8)]))
                }
            }
            return .real(Double(bitPattern: UInt64(littleEndian: bits)))
        }
        return withCell(row: row, column: column) { kind, text in RowChunk.decode(kind, text) }
    }

    /// A row's values.
    package func row(_ row: Int) -> [Value] {
        (0..<columnCount).map { value(row: row, column: $0) }
    }

    static func decode(_ kind: Kind, _ text: UnsafeBufferPointer<UInt8>) -> Value {
        let string = { String(decoding: text, as: UTF8.self) }
        switch kind {
        case .null: return .null
        case .integer: return Int64(string()).map(Value.integer) ?? .text(string())
        case .real: return Double(string()).map(Value.real) ?? .text(string())
        case .decimal: return .decimal(string())
        case .bool: return .bool(text.first == UInt8(ascii: "t") || text.first == UInt8(ascii: "1"))
        case .text: return .text(string())
        case .json: return .json(string())
        case .blob: return .blob(Array(text))
        case .byteaHex: return .blob(ValueText.decodePostgresHex(text))
        }
    }
}
