import QGather

/// `--timing-json FILE`: the raw timings of a run, one query per line:
///
///     {
///       "wall_ms": 2267.661,
///       "queries": [
///         {"index": 0, "name": "revenue_by_month", "line": 15, "status": "ok", "start_ms": 0.021, "elapsed_ms": 101.5, "rows": 36},
///         ...
///       ]
///     }
///
/// `start_ms` and `elapsed_ms` are `null` for a query that never started; `rows` is the row
/// count (rows changed, for DML), `null` unless the query succeeded. With several targets each
/// entry also names its `target`: fan-out has one entry per (query, target) pair.
enum TimingJSON {
    /// The document for `entries` of a batch that took `wall`.
    static func render(_ entries: [TimingReport.Entry], wall: Duration) -> String {
        var out = "{\n  \"wall_ms\": \(number(DurationText.seconds(wall) * 1000)),\n  \"queries\": ["
        for (i, entry) in entries.enumerated() {
            out += i == 0 ? "\n    " : ",\n    "
            out += "{\"index\": \(entry.query.index), \"name\": \(JSONFormatter.string(entry.query.name)), \"line\": \(entry.query.line)"
            out += ", \"status\": \"\(entry.status.rawValue)\", \"start_ms\": \(number(entry.startMilliseconds))"
            out += ", \"elapsed_ms\": \(number(entry.elapsedMilliseconds)), \"rows\": \(entry.rows.map(String.init) ?? "null")"
            if let target = entry.target { out += ", \"target\": \(JSONFormatter.string(target))" }
            out += "}"
        }
        out += entries.isEmpty ? "]\n}\n" : "\n  ]\n}\n"
        return out
    }

    /// Milliseconds to the microsecond, as a JSON number (`null` when absent).
    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "null" }
        return String((value * 1000).rounded() / 1000)
    }
}
