import QGather

/// GitHub-flavoured Markdown: per query a `### NAME` heading and a pipe table (numbers
/// right-aligned), then an empty line. Statements without rows print `N rows affected.`
///
/// Cells escape `\` and `|` with a backslash and show line breaks as `<br>`, so any value stays
/// inside its cell. GitHub tables need a header row: with `--no-header` its cells are empty.
struct MarkdownFormatter: OutcomeFormatter {
    var options = FormatOptions()

    mutating func write(_ outcome: QueryOutcome, into output: OutputWriter) {
        guard case .rows(let rows) = outcome.result else { return }
        output.write("### \(outcome.query.name)\n\n")
        if let affected = rows.rowsAffected {
            output.write("\(affected) row\(affected == 1 ? "" : "s") affected.\n\n")
            return
        }
        output.write(MarkdownFormatter.render(rows, options: options))
    }

    /// The table for `rows`, followed by an empty line.
    static func render(_ rows: RowSet, options: FormatOptions = FormatOptions()) -> String {
        let header = rows.columns.map { options.header ? escapeCell($0.name) : " " }
        var out = "| " + header.joined(separator: " | ") + " |\n"
        out += "|" + (0..<rows.columns.count).map { rightAligned(rows, column: $0) ? "---:" : "---" }.joined(separator: "|") + "|\n"
        for row in rows.rows {
            out += "| " + row.map { escapeCell(rows.text(of: $0) ?? options.null) }.joined(separator: " | ") + " |\n"
        }
        return out + "\n"
    }

    /// `text` safe inside a table cell: `\` and `|` escaped, line breaks as `<br>`.
    static func escapeCell(_ text: String) -> String {
        var out = ""
        var previousWasCR = false
        for character in text.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "|": out += "\\|"
            case "\r": out += "<br>"
            case "\n": if !previousWasCR { out += "<br>" }
            default: out.unicodeScalars.append(character)
            }
            previousWasCR = character == "\r"
        }
        return out
    }

    /// Numbers are right-aligned, as in the table format: every non-NULL value numeric, at least one.
    private static func rightAligned(_ rows: RowSet, column: Int) -> Bool {
        var any = false
        for row in rows.rows where !row[column].isNull {
            if !row[column].isNumeric { return false }
            any = true
        }
        return any
    }
}
