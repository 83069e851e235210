/// Holds a query's result to its `Expectation`: a result that does not meet it becomes a
/// `QueryError` of kind `.checkFailed` saying what was expected and what came back.
enum ExpectationCheck {
    /// Rows quoted in a failure message, at most.
    static let sampleRows = 3

    /// `outcome`, failed if its rows do not meet its query's expectation.
    static func apply(to outcome: QueryOutcome) -> QueryOutcome {
        guard let expectation = outcome.query.expectation, case .rows(let rows) = outcome.result,
              let message = failure(of: expectation, rows) else { return outcome }
        var checked = outcome
        checked.result = .failed(QueryError(kind: .checkFailed, code: .checkFailed, message: message, query: outcome.query))
        return checked
    }

    /// What is wrong with `rows` under `expectation`, or nil if they meet it.
    static func failure(of expectation: Expectation, _ rows: RowSet) -> String? {
        let count = rows.rowsAffected ?? rows.rowCount
        switch expectation {
        case .noRows:
            return count == 0 ? nil : "check failed: expected no rows, got \(count)" + sample(rows)
        case .rowCount(let comparison, let expected):
            return comparison.holds(count, expected) ? nil : "check failed: expected rows \(comparison.rawValue) \(expected), got \(count)" + sample(rows)
        case .value(let expected):
            guard rows.returnsRows, rows.columns.count == 1, count == 1 else {
                return "check failed: expected one value (\(expected)), got \(count) row(s) of \(rows.columns.count) column(s)" + sample(rows)
            }
            let text = rows.text(of: rows.rows[0][0])
            return text == expected ? nil : "check failed: expected value = \(expected), got " + (text.map { "'\($0)'" } ?? "NULL")
        }
    }

    /// `: (1, a), (2, b), ...`: the first rows held, as their text (NULL for NULL).
    private static func sample(_ rows: RowSet) -> String {
        guard rows.returnsRows, rows.heldRowCount > 0 else { return "" }
        let shown = rows.rows.prefix(sampleRows).map { row in "(" + row.map { rows.text(of: $0) ?? "NULL" }.joined(separator: ", ") + ")" }
        return ": " + shown.joined(separator: ", ") + (rows.rowCount > sampleRows ? ", ..." : "")
    }
}
