@testable import QGatherCLI
import QGather

/// Builds outcomes and runs formatters in memory, for the formatter tests.
enum FormatterTestSupport {
    /// A successful outcome of query `name` with `columns` and `rows`.
    static func outcome(_ name: String = "people", line: Int = 3, columns: [String], rows: [[Value]],
                        rowsAffected: Int? = nil) -> QueryOutcome {
        QueryOutcome(query: Query("SELECT 1", name: name, line: line),
                     result: .rows(RowSet(columns: columns.map { Column(name: $0, type: "") }, rows: rows, rowsAffected: rowsAffected)))
    }

    /// What `formatter` prints for `outcomes`.
    static func print(_ outcomes: [QueryOutcome], with formatter: some OutcomeFormatter) -> String {
        var formatter = formatter
        let output = OutputWriter(descriptor: nil)
        formatter.begin(into: output)
        for outcome in outcomes { formatter.write(outcome, into: output) }
        formatter.end(into: output)
        return output.text
    }
}
