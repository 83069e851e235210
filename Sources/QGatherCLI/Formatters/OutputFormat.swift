import ArgumentParser
import QGather

/// The output formats of `--format`.
enum OutputFormat: String, CaseIterable, ExpressibleByArgument {
    /// psql-style aligned tables, one per query.
    case table
    /// Header and rows per query, results separated by an empty line.
    case csv
    /// One JSON document: an array with an object per query.
    case json
    /// One JSON object per query, one per line.
    case ndjson

    /// The formatter that writes this format.
    func makeFormatter() -> any OutcomeFormatter {
        switch self {
        case .table: return TableFormatter()
        case .csv: return CSVFormatter()
        case .json: return JSONFormatter(lines: false)
        case .ndjson: return JSONFormatter(lines: true)
        }
    }
}

/// Writes the outcomes of a batch, in order, to stdout.
protocol OutcomeFormatter {
    /// Called once before the first outcome.
    mutating func begin(into output: OutputWriter)
    /// Called for each outcome, in input order.
    mutating func write(_ outcome: QueryOutcome, into output: OutputWriter)
    /// Called once after the last outcome.
    mutating func end(into output: OutputWriter)
}

extension OutcomeFormatter {
    mutating func begin(into output: OutputWriter) {}
    mutating func end(into output: OutputWriter) {}
}
