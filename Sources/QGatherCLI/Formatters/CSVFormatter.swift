import QGather

/// Per query its header and rows, results separated by one empty line.
///
/// SQLite results follow `sqlite3 -csv -header` byte for byte (quoting of fields with a
/// control character, a space, `"`, `'`, a comma, a non-ASCII byte, or empty text; NULL as nothing). PostgreSQL results follow `psql --csv` (LF; quoting of fields with a comma,
/// quote, CR or LF, and of `\.`). `--no-header` drops the header line; `--null` sets NULL's text
/// (quoted like any other field when it needs to be).
struct CSVFormatter: OutcomeFormatter {
    var options = FormatOptions()
    private var wroteOne = false
    /// The query whose rows were streamed (its outcome then only ends the result).
    private var streamingIndex: Int?
    /// The last header written, and its line.
    private var lastHeader: (columns: [Column], sqliteStyle: Bool, line: String)?

    var streamsRows: Bool { true }

    mutating func beginRows(_ query: Query, columns: [Column], realRendering: RealRendering, into output: OutputWriter) {
        streamingIndex = query.index
        writeHeader(columns, sqliteStyle: realRendering == .sqlite, into: output)
    }

    mutating func writeRows(_ rows: RowChunk, realRendering: RealRendering, into output: OutputWriter) {
        CSVFormatter.write(rows, sqliteStyle: realRendering == .sqlite, null: nullBytes(sqliteStyle: realRendering == .sqlite), into: output)
    }

    /// What NULL prints as (`--null`), quoted when it needs to be.
    private func nullBytes(sqliteStyle: Bool) -> [UInt8] {
        options.null.isEmpty ? [] : Array(field(options.null, sqliteStyle: sqliteStyle).utf8)
    }

    init(options: FormatOptions = FormatOptions()) {
        self.options = options
    }

    mutating func write(_ outcome: QueryOutcome, into output: OutputWriter) {
        let streamed = streamingIndex == outcome.query.index
        streamingIndex = nil
        guard case .rows(let rows) = outcome.result, rows.returnsRows else { return }
        let sqliteStyle = rows.realRendering == .sqlite
        if !streamed { writeHeader(rows.columns, sqliteStyle: sqliteStyle, into: output) }
        let null = nullBytes(sqliteStyle: sqliteStyle)
        for chunk in rows.chunks { CSVFormatter.write(chunk, sqliteStyle: sqliteStyle, null: null, into: output) }
    }

    private mutating func writeHeader(_ columns: [Column], sqliteStyle: Bool, into output: OutputWriter) {
        if wroteOne { output.write("\n") }
        wroteOne = true
        guard options.header else { return }
        // A generated batch repeats one shape: its header line is made once.
        if lastHeader?.columns != columns || lastHeader?.sqliteStyle != sqliteStyle {
            lastHeader = (columns, sqliteStyle, columns.map { field($0.name, sqliteStyle: sqliteStyle) }.joined(separator: ",") + "\n")
        }
        output.write(lastHeader!.line)
    }

    /// Writes rows straight from the chunk's bytes: each cell is the engine's own text, quoted
    /// when its CLI would quote it. The csv is built with plain pointer writes in the output's
    /// own buffer, in room sized for the worst case (every byte doubled by quoting): per-cell
    /// `Array.append` calls cost more than the copying itself.
    static func write(_ chunk: RowChunk, sqliteStyle: Bool, null: [UInt8] = [], into output: OutputWriter) {
        let bound = 2 * chunk.byteCount + chunk.rowCount * (chunk.columnCount * (3 + null.count) + 1)
        output.writeInPlace(upTo: bound) { start in
            var out = start
            null.withUnsafeBufferPointer { null in
                for row in 0..<chunk.rowCount {
                    chunk.forEachCell(row: row) { column, kind, bytes in
                        if column > 0 { put(UInt8(ascii: ","), &out) }
                        switch kind {
                        case .null: copy(null, &out)
                        case .blob:
                            // sqlite3 prints a blob through sqlite3_column_text, as a C string: up to the first NUL.
                            let end = bytes.firstIndex(of: 0) ?? bytes.count
                            writeField(UnsafeBufferPointer(rebasing: bytes[0..<end]), sqliteStyle: sqliteStyle, into: &out)
                        default:
                            writeField(bytes, sqliteStyle: sqliteStyle, into: &out)
                        }
                    }
                    put(UInt8(ascii: "\n"), &out)
                }
            }
            return out - start
        }
    }

    @inline(__always)
    private static func put(_ byte: UInt8, _ out: inout UnsafeMutablePointer<UInt8>) {
        out.initialize(to: byte)
        out += 1
    }

    @inline(__always)
    private static func copy(_ bytes: UnsafeBufferPointer<UInt8>, _ out: inout UnsafeMutablePointer<UInt8>) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        out.initialize(from: source, count: bytes.count)
        out += bytes.count
    }

    @inline(__always)
    private static func writeField(_ bytes: UnsafeBufferPointer<UInt8>, sqliteStyle: Bool, into out: inout UnsafeMutablePointer<UInt8>) {
        var quote: Bool
        if sqliteStyle {
            quote = bytes.isEmpty
            if !quote {
                for b in bytes where b <= 0x20 || b == 0x22 || b == 0x27 || b == 0x2C || b >= 0x7F {
                    quote = true
                    break
                }
            }
        } else {
            quote = bytes.count == 2 && bytes[0] == UInt8(ascii: "\\") && bytes[1] == UInt8(ascii: ".")
            if !quote {
                for b in bytes where b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D {
                    quote = true
                    break
                }
            }
        }
        guard quote else {
            copy(bytes, &out)
            return
        }
        put(0x22, &out)
        for b in bytes {
            if b == 0x22 { put(0x22, &out) }
            put(b, &out)
        }
        put(0x22, &out)
    }

    /// `text` quoted if the engine's CLI would quote it.
    func field(_ text: String, sqliteStyle: Bool) -> String {
        let needsQuotes: Bool
        if sqliteStyle {
            needsQuotes = text.isEmpty || text.utf8.contains { $0 <= 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") || $0 == UInt8(ascii: ",") || $0 >= 0x7F }
        } else {
            needsQuotes = text == "\\." || text.utf8.contains {
                $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r")
            }
        }
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
