import QGather

/// psql's aligned format: a title line per query, centred headers, `-+-` separator, numbers
/// right-aligned, text left-aligned, and a `(N rows)` footer. DML prints its change count.
///
/// Cells are laid out as psql does: multi-line values continue on the next lines with a `+`
/// at the cell's right edge, tabs expand to 8-column stops, control characters print escaped,
/// and East Asian wide characters take two columns (see `DisplayWidth`).
struct TableFormatter: OutcomeFormatter {
    var options = FormatOptions()

    mutating func write(_ outcome: QueryOutcome, into output: OutputWriter) {
        guard case .rows(let rows) = outcome.result else { return }
        output.write("-- \(outcome.query.name) (line \(outcome.query.line))\n")
        if let affected = rows.rowsAffected {
            output.write("(\(affected) row\(affected == 1 ? "" : "s") affected)\n\n")
            return
        }
        output.write(TableFormatter.render(rows, options: options))
    }

    /// The aligned table for `rows`, ending with the footer and an empty line.
    static func render(_ rows: RowSet, options: FormatOptions = FormatOptions()) -> String {
        let columnCount = rows.columns.count
        let headers = rows.columns.map { DisplayWidth.cellLines($0.name) }
        let cells: [[[DisplayWidth.Line]]] = rows.rows.map { row in
            row.map { DisplayWidth.cellLines(rows.text(of: $0) ?? options.null) }
        }
        // Widths count the headers even when they are not printed, as `psql -t` does.
        var widths = headers.map { $0.map(\.width).max() ?? 0 }
        var rightAligned = [Bool](repeating: false, count: columnCount)
        for column in 0..<columnCount {
            var numeric = !rows.rows.isEmpty
            var anyValue = false
            for (r, row) in rows.rows.enumerated() {
                widths[column] = max(widths[column], cells[r][column].map(\.width).max() ?? 0)
                if !row[column].isNull {
                    anyValue = true
                    if !row[column].isNumeric { numeric = false }
                }
            }
            rightAligned[column] = numeric && anyValue
        }
        var out = ""
        if options.header {
            out += headerLines(headers, widths: widths)
            out += widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "+") + "\n"
        }
        for row in cells {
            out += rowLines(row, widths: widths, rightAligned: rightAligned)
        }
        out += "(\(rows.rows.count) row\(rows.rows.count == 1 ? "" : "s"))\n\n"
        return out
    }

    /// The header: names centred, every cell padded (the last one too); a name with several
    /// lines marks each line but its last with `+`.
    private static func headerLines(_ headers: [[DisplayWidth.Line]], widths: [Int]) -> String {
        let height = headers.map(\.count).max() ?? 1
        var out = ""
        for lineIndex in 0..<height {
            var line = ""
            for (c, lines) in headers.enumerated() {
                line += " "
                if lineIndex < lines.count {
                    let space = widths[c] - lines[lineIndex].width
                    line += spaces(space / 2) + lines[lineIndex].text + spaces((space + 1) / 2)
                } else {
                    line += spaces(widths[c])
                }
                line += lineIndex + 1 < lines.count ? "+" : " "
                if c < headers.count - 1 { line += "|" }
            }
            out += line + "\n"
        }
        return out
    }

    /// One row, as many lines as its tallest cell. A cell continued on the next line ends with
    /// `+`; psql leaves no trailing blanks after the last cell unless it marks a continuation.
    private static func rowLines(_ row: [[DisplayWidth.Line]], widths: [Int], rightAligned: [Bool]) -> String {
        let height = max(1, row.map(\.count).max() ?? 1)
        var out = ""
        for lineIndex in 0..<height {
            var line = ""
            for (c, lines) in row.enumerated() {
                let isLast = c == row.count - 1
                let continues = lineIndex + 1 < lines.count
                line += " "
                if lineIndex < lines.count {
                    let text = lines[lineIndex]
                    let pad = spaces(widths[c] - text.width)
                    if rightAligned[c] {
                        line += pad + text.text
                    } else {
                        line += text.text + (isLast && !continues ? "" : pad)
                    }
                } else if !isLast {
                    line += spaces(widths[c])
                }
                line += continues ? "+" : (isLast ? "" : " ")
                if !isLast { line += "|" }
            }
            out += line + "\n"
        }
        return out
    }

    private static func spaces(_ count: Int) -> String {
        String(repeating: " ", count: max(0, count))
    }
}
