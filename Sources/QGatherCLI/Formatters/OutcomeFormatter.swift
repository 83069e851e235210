import QGather

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
