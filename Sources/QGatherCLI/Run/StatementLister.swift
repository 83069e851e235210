import Foundation
import QGather

/// `--list`: the statements a batch would run, without opening a database.
///
///     index  name              location                    statement
///     0      revenue_by_month  SampleData/dashboard.sql:15 SELECT substr(o.order_date, 1, 7) AS month,
///
/// `index` is the position used in JSON output, `location` the file and line of the statement,
/// `statement` its first non-empty line.
enum StatementLister {
    /// The listing of `batch`, ending with a newline.
    static func render(_ batch: Batch) -> String {
        let output = OutputWriter(descriptor: nil)
        write(batch, to: output)
        return output.text
    }

    /// Writes the listing of `batch` to `output` a row at a time: one pass for the column
    /// widths, one to write, so a batch of millions is never held as text.
    static func write(_ batch: Batch, to output: OutputWriter) {
        let header = ["index", "name", "location", "statement"]
        var widths = header.map(DisplayWidth.of)
        // The index column's widest entry is the last index.
        widths[0] = max(widths[0], String(max(0, batch.count - 1)).utf8.count)
        for query in batch.queries {
            widths[1] = max(widths[1], DisplayWidth.of(query.name))
            widths[2] = max(widths[2], DisplayWidth.of(query.file) + 1 + digits(query.line))
        }
        func row(_ cells: [String], widths: [Int], cellWidths: [Int], statement: String) {
            for column in 0..<3 {
                output.write(cells[column])
                output.write(String(repeating: " ", count: widths[column] - cellWidths[column] + 2))
            }
            output.write(statement)
            output.write("\n")
        }
        row(header, widths: widths, cellWidths: header.map(DisplayWidth.of), statement: header[3])
        for query in batch.queries {
            let index = String(query.index)
            let location = "\(query.file):\(query.line)"
            row([index, query.name, location], widths: widths,
                cellWidths: [index.utf8.count, DisplayWidth.of(query.name), DisplayWidth.of(location)],
                statement: query.withUTF8SQL(firstLine(of:)))
        }
    }

    /// How many decimal digits `number` (≥ 0) prints with.
    private static func digits(_ number: Int) -> Int {
        var count = 1
        var rest = number
        while rest >= 10 {
            rest /= 10
            count += 1
        }
        return count
    }

    /// The first line of `sql` that is not blank, trimmed, with tabs as spaces.
    static func firstLine(of sql: String) -> String {
        let line = sql.split(whereSeparator: \.isNewline).first { !$0.allSatisfy(\.isWhitespace) } ?? ""
        return line.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\t", with: " ")
    }

    /// `firstLine(of:)` of UTF-8 bytes; plain ASCII (the usual statement) is read without
    /// making a String of the whole statement.
    static func firstLine(of sql: UnsafeBufferPointer<UInt8>) -> String {
        guard sql.allSatisfy({ $0 < 0x80 }) else { return firstLine(of: String(decoding: sql, as: UTF8.self)) }
        var start = 0
        while start < sql.count {
            var end = start
            while end < sql.count && !isNewline(sql[end]) { end += 1 }
            var (low, high) = (start, end)
            while low < high && isBlank(sql[low]) { low += 1 }
            while high > low && isBlank(sql[high - 1]) { high -= 1 }
            if low < high {
                return String(decoding: sql[low..<high].map { $0 == 0x09 ? 0x20 : $0 }, as: UTF8.self)
            }
            start = end + 1
        }
        return ""
    }

    /// ASCII line breaks, as `Character.isNewline` has them (LF, VT, FF, CR).
    private static func isNewline(_ byte: UInt8) -> Bool { byte >= 0x0A && byte <= 0x0D }

    /// ASCII whitespace that is not a line break (what `.whitespaces` trims: space, tab).
    private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
}
