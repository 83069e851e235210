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
        let rows = batch.queries.map { query in
            [String(query.index), query.name, "\(query.file):\(query.line)", firstLine(of: query.sql)]
        }
        let header = ["index", "name", "location", "statement"]
        var widths = header.map(DisplayWidth.of)
        for row in rows {
            for column in 0..<3 { widths[column] = max(widths[column], DisplayWidth.of(row[column])) }
        }
        return ([header] + rows).map { row in
            (0..<3).map { row[$0] + String(repeating: " ", count: widths[$0] - DisplayWidth.of(row[$0])) }.joined(separator: "  ")
                + "  " + row[3]
        }.joined(separator: "\n") + "\n"
    }

    /// The first line of `sql` that is not blank, trimmed, with tabs as spaces.
    static func firstLine(of sql: String) -> String {
        let line = sql.split(whereSeparator: \.isNewline).first { !$0.allSatisfy(\.isWhitespace) } ?? ""
        return line.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\t", with: " ")
    }
}
