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
    /// One JUnit XML report: a test case per query (per query and target), for CI systems.
    case junit

    /// The formatter that writes this format.
    func makeFormatter(_ options: FormatOptions = FormatOptions()) -> any OutcomeFormatter {
        switch self {
        case .table: return TableFormatter(options: options)
        case .csv: return CSVFormatter(options: options)
        case .json: return JSONFormatter(lines: false)
        case .ndjson: return JSONFormatter(lines: true)
        case .markdown: return MarkdownFormatter(options: options)
        case .junit: return JUnitFormatter()
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
        case .junit: return "xml"
        }
    }

    /// Whether `--no-header` and `--null` apply (they do not to JSON).
    var isTextual: Bool { self != .json && self != .ndjson && self != .junit }
}
