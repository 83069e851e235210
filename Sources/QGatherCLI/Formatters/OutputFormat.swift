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
    /// GitHub-flavoured Markdown: a `### name` heading and a pipe table per query.
    case markdown

    /// The formatter that writes this format.
    func makeFormatter(_ options: FormatOptions = FormatOptions()) -> any OutcomeFormatter {
        switch self {
        case .table: return TableFormatter(options: options)
        case .csv: return CSVFormatter(options: options)
        case .json: return JSONFormatter(lines: false)
        case .ndjson: return JSONFormatter(lines: true)
        case .markdown: return MarkdownFormatter(options: options)
        }
    }

    /// The file name extension of one query's file in `--out-dir`.
    var fileExtension: String {
        switch self {
        case .table: return "txt"
        case .csv: return "csv"
        case .json: return "json"
        case .ndjson: return "ndjson"
        case .markdown: return "md"
        }
    }

    /// Whether `--no-header` and `--null` apply (they do not to JSON).
    var isTextual: Bool { self != .json && self != .ndjson }
}

/// Writes the outcomes of a batch, in order, to stdout.
///
/// Formats that can print rows before a result is complete (`streamsRows`) also receive the head
/// query's rows as they are read: `beginRows`, then `writeRows` chunks, then `write(outcome)`
/// for the same query, whose row set then holds only rows not already written.
protocol OutcomeFormatter {
    /// Whether rows may be written before the whole result is known (csv, json, ndjson; not the
    /// aligned table, whose column widths depend on every row).
    var streamsRows: Bool { get }
    /// Called once before the first outcome.
    mutating func begin(into output: OutputWriter)
    /// A streamed result of `query` starts.
    mutating func beginRows(_ query: Query, columns: [Column], realRendering: RealRendering, into output: OutputWriter)
    /// More rows of the streamed result.
    mutating func writeRows(_ rows: RowChunk, realRendering: RealRendering, into output: OutputWriter)
    /// Called for each outcome, in input order.
    mutating func write(_ outcome: QueryOutcome, into output: OutputWriter)
    /// Called once after the last outcome.
    mutating func end(into output: OutputWriter)
}

extension OutcomeFormatter {
    var streamsRows: Bool { false }
    mutating func begin(into output: OutputWriter) {}
    mutating func end(into output: OutputWriter) {}
    mutating func beginRows(_ query: Query, columns: [Column], realRendering: RealRendering, into output: OutputWriter) {}
    mutating func writeRows(_ rows: RowChunk, realRendering: RealRendering, into output: OutputWriter) {}
}
