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

    init(options: FormatOptions = FormatOptions()) {
        self.options = options
    }

    mutating func write(_ outcome: QueryOutcome, into output: OutputWriter) {
        guard case .rows(let rows) = outcome.result, rows.returnsRows else { return }
        if wroteOne { output.write("\n") }
        wroteOne = true
        let sqliteStyle = rows.realRendering == .sqlite
        let lineEnd = "\n"
        if options.header {
            output.write(rows.columns.map { field($0.name, sqliteStyle: sqliteStyle) }.joined(separator: ",") + lineEnd)
        }
        let null = options.null.isEmpty ? "" : field(options.null, sqliteStyle: sqliteStyle)
        for row in rows.rows {
            var line = ""
            for (i, value) in row.enumerated() {
                if i > 0 { line += "," }
                if let text = rows.text(of: value) {
                    line += field(text, sqliteStyle: sqliteStyle)
                } else {
                    line += null
                }
            }
            line += lineEnd
            output.write(line)
        }
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
