/// Merges one query's outcomes on every target of a fan-out into one outcome: the rows of each
/// target that answered, in target order, behind a first column `target` holding its label.
enum FanOutMerge {
    /// The merged outcome of `query` from `outcomes` (one per target, in target order, labelled).
    /// A target whose columns differ from the first answering target's fails with
    /// `QueryError.Code.columnsDiffer`; types may differ.
    static func merge(_ query: Query, _ outcomes: [(label: String, outcome: QueryOutcome)], keepTargetRows: Bool) -> QueryOutcome {
        let reference = outcomes.first { $0.outcome.rowSet != nil }
        var targets: [TargetOutcome] = []
        var merged: [RowChunk] = []
        var rowsAffected = 0
        for (label, outcome) in outcomes {
            var result = outcome.result
            var rowCount = 0
            if let rows = outcome.rowSet, let reference, let expected = reference.outcome.rowSet {
                if let error = mismatch(rows, expected, referenceLabel: reference.label, query: query) {
                    result = .failed(error)
                } else {
                    rowCount = rows.rowCount
                    rowsAffected += rows.rowsAffected ?? 0
                    merged.append(contentsOf: rows.chunks.map { $0.prefixed(withText: label) })
                    if !keepTargetRows { result = .rows(RowSet(columns: rows.columns, rows: [], rowsAffected: rows.rowsAffected, realRendering: rows.realRendering)) }
                }
            }
            targets.append(TargetOutcome(label: label, result: result, rowCount: rowCount, startOffset: outcome.startOffset,
                                         duration: outcome.duration, attempts: outcome.attempts))
        }
        let result: QueryOutcome.Result
        if let expected = reference?.outcome.rowSet {
            if expected.returnsRows {
                result = .rows(RowSet(columns: [Column(name: "target", type: "text")] + expected.columns, chunks: merged,
                                      realRendering: expected.realRendering))
            } else {
                result = .rows(RowSet(columns: [], rows: [], rowsAffected: rowsAffected, realRendering: expected.realRendering))
            }
        } else if let error = targets.lazy.compactMap(\.error).first {
            result = .failed(error)
        } else {
            result = .cancelled
        }
        let starts = outcomes.compactMap(\.outcome.startOffset)
        let ends = outcomes.compactMap { o in o.outcome.startOffset.flatMap { start in o.outcome.duration.map { start + $0 } } }
        var outcome = QueryOutcome(query: query, result: result, startOffset: starts.min(),
                                   duration: starts.min().flatMap { start in ends.max().map { $0 - start } },
                                   attempts: outcomes.map(\.outcome.attempts).max() ?? 1)
        outcome.targets = targets
        return outcome
    }

    /// The error for a target whose result does not have the reference's shape, or nil.
    private static func mismatch(_ rows: RowSet, _ expected: RowSet, referenceLabel: String, query: Query) -> QueryError? {
        let names = rows.columns.map(\.name)
        let expectedNames = expected.columns.map(\.name)
        guard names != expectedNames || rows.returnsRows != expected.returnsRows else { return nil }
        func list(_ set: RowSet, _ names: [String]) -> String {
            set.returnsRows ? "(" + names.joined(separator: ", ") + ")" : "a change count"
        }
        return QueryError(kind: .database, code: .columnsDiffer,
                          message: "columns differ from target \(referenceLabel)'s: \(list(rows, names)) here, \(list(expected, expectedNames)) there",
                          query: query)
    }
}
