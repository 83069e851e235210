import QGather

/// Per query its header and rows, results separated by one empty line.
///
/// SQLite results follow `sqlite3 -csv -header` byte for byte (quoting of fields with a
/// control character, a space, `"`, `'`, a comma, a non-ASCII byte, or empty text; NULL as nothing). PostgreSQL results follow `psql --csv` (LF; quoting of fields with a comma,
/// quote, CR or LF, and of `\.`).
struct CSVFormatter: OutcomeFormatter {
    private var wroteOne = false
    /// The query whose rows were streamed (its outcome then only ends the result).
    private var streamingIndex: Int?

    var streamsRows: Bool { true }

    mutating func beginRows(_ query: Query, columns: [Column], realRendering: RealRendering, into output: OutputWriter) {
        streamingIndex = query.index
        writeHeader(columns, sqliteStyle: realRendering == .sqlite, into: output)
    }

    mutating func writeRows(_ rows: [[Value]], realRendering: RealRendering, into output: OutputWriter) {
        let sqliteStyle = realRendering == .sqlite
        for row in rows { writeRow(row, reals: realRendering, sqliteStyle: sqliteStyle, into: output) }
    }

    mutating func write(_ outcome: QueryOutcome, into output: OutputWriter) {
        let streamed = streamingIndex == outcome.query.index
        streamingIndex = nil
        guard case .rows(let rows) = outcome.result, rows.returnsRows else { return }
        let sqliteStyle = rows.realRendering == .sqlite
        if !streamed { writeHeader(rows.columns, sqliteStyle: sqliteStyle, into: output) }
        for row in rows.rows { writeRow(row, reals: rows.realRendering, sqliteStyle: sqliteStyle, into: output) }
    }

    private mutating func writeHeader(_ columns: [Column], sqliteStyle: Bool, into output: OutputWriter) {
        if wroteOne { output.write("\n") }
        wroteOne = true
        output.write(columns.map { field($0.name, sqliteStyle: sqliteStyle) }.joined(separator: ",") + "\n")
    }

    private func writeRow(_ row: [Value], reals: RealRendering, sqliteStyle: Bool, into output: OutputWriter) {
        var line = ""
        for (i, value) in row.enumerated() {
            if i > 0 { line += "," }
            if let text = ValueText.render(value, reals: reals) { line += field(text, sqliteStyle: sqliteStyle) }
        }
        line += "\n"
        output.write(line)
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
