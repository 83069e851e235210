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
        TableFormatter.write(rows, into: output)
    }

    /// Writes the aligned table line by line from the row set's chunks: widths are measured on a
    /// first pass over the cells' bytes, so no string is kept per cell.
    static func write(_ rows: RowSet, into output: OutputWriter) {
        let columnCount = rows.columns.count
        var widths = rows.columns.map { displayWidth($0.name) }
        var numeric = [Bool](repeating: true, count: columnCount)
        var anyValue = [Bool](repeating: false, count: columnCount)
        for chunk in rows.chunks {
            for row in 0..<chunk.rowCount {
                chunk.forEachCell(row: row) { column, kind, bytes in
                    guard kind != .null else { return }
                    anyValue[column] = true
                    if kind != .integer && kind != .real && kind != .decimal { numeric[column] = false }
                    widths[column] = max(widths[column], displayWidth(cellText(kind, bytes)))
                }
            }
        }
        let rightAligned = (0..<columnCount).map { numeric[$0] && anyValue[$0] }
        // Header: names centred (psql pads every header cell, the last one too).
        var header = ""
        for (i, column) in rows.columns.enumerated() {
            let space = widths[i] - displayWidth(column.name)
            header += (i == 0 ? " " : " | ") + String(repeating: " ", count: space / 2) + column.name
                + String(repeating: " ", count: (space + 1) / 2)
        }
        output.write(header + " \n")
        output.write(widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "+") + "\n")
        for chunk in rows.chunks {
            for row in 0..<chunk.rowCount {
                var line = ""
                chunk.forEachCell(row: row) { i, kind, bytes in
                    let text = kind == .null ? "" : String(decoding: cellText(kind, bytes), as: UTF8.self)
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
                output.write(line + "\n")
            }
        }
        let count = rows.heldRowCount
        output.write("(\(count) row\(count == 1 ? "" : "s"))\n\n")
    }

    /// The text a cell shows: its bytes, but a SQLite blob only up to its first NUL (as the
    /// sqlite3 shell prints it).
    private static func cellText(_ kind: RowChunk.Kind, _ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard kind == .blob, let nul = bytes.firstIndex(of: 0) else { return bytes }
        return UnsafeBufferPointer(rebasing: bytes[0..<nul])
    }

    private static func displayWidth(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        if bytes.allSatisfy({ $0 < 0x80 }) { return bytes.count }
        return displayWidth(String(decoding: bytes, as: UTF8.self))
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
