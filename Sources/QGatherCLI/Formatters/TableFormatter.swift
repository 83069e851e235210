import QGather

/// psql's aligned format: a title line per query, centred headers, `-+-` separator, numbers
/// right-aligned, text left-aligned, and a `(N rows)` footer. DML prints its change count.
struct TableFormatter: OutcomeFormatter {
    mutating func write(_ outcome: QueryOutcome, into output: OutputWriter) {
        guard case .rows(let rows) = outcome.result else { return }
        output.write("-- \(outcome.query.name) (line \(outcome.query.line))\n")
        if let affected = rows.rowsAffected {
            output.write("(\(affected) row\(affected == 1 ? "" : "s") affected)\n\n")
            return
        }
        output.write(TableFormatter.render(rows))
    }

    /// The aligned table for `rows`, ending with the footer and an empty line.
    static func render(_ rows: RowSet) -> String {
        let columnCount = rows.columns.count
        let cells: [[String?]] = rows.rows.map { row in row.map { rows.text(of: $0) } }
        var widths = rows.columns.map { displayWidth($0.name) }
        var rightAligned = [Bool](repeating: false, count: columnCount)
        for column in 0..<columnCount {
            var numeric = !rows.rows.isEmpty
            var anyValue = false
            for (r, row) in rows.rows.enumerated() {
                if let text = cells[r][column] { widths[column] = max(widths[column], displayWidth(text)) }
                if !row[column].isNull {
                    anyValue = true
                    if !row[column].isNumeric { numeric = false }
                }
            }
            rightAligned[column] = numeric && anyValue
        }
        var out = ""
        // Header: names centred (psql pads every header cell, the last one too).
        var header = ""
        for (i, column) in rows.columns.enumerated() {
            let space = widths[i] - displayWidth(column.name)
            header += (i == 0 ? " " : " | ") + String(repeating: " ", count: space / 2) + column.name
                + String(repeating: " ", count: (space + 1) / 2)
        }
        out += header + " \n"
        out += widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "+") + "\n"
        for row in cells {
            var line = ""
            for (i, cell) in row.enumerated() {
                let text = cell ?? ""
                let pad = String(repeating: " ", count: widths[i] - displayWidth(text))
                line += i == 0 ? " " : " | "
                if rightAligned[i] {
                    line += pad + text
                } else if i < columnCount - 1 {
                    line += text + pad
                } else {
                    line += text  // psql leaves no trailing blanks after the last left-aligned cell
                }
            }
            out += line + "\n"
        }
        out += "(\(rows.rows.count) row\(rows.rows.count == 1 ? "" : "s"))\n\n"
        return out
    }

    /// Terminal columns taken by `text` (East Asian wide characters count two).
    static func displayWidth(_ text: String) -> Int {
        var width = 0
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F,
                 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
                width += 2
            case 0x0300...0x036F, 0x200B...0x200F:
                break  // combining marks and zero-width characters
            default:
                width += 1
            }
        }
        return width
    }
}
