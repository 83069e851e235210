import QGather

/// `json`: one array with an object per query; `ndjson`: the same objects, one per line.
///
/// Each object: index, name, line, status (`ok`/`error`/`cancelled`), columns (name, type),
/// rows (arrays; JSON null for NULL, numbers as numbers — NaN and ±Infinity as strings —,
/// json/jsonb embedded), rows_affected,
/// error (code, message, line, column), start_ms, elapsed_ms, attempts; with several targets,
/// `targets` (fan-out: each target's status, rows, elapsed_ms, error) or `target` (spread: the
/// target that served the query).
struct JSONFormatter: OutcomeFormatter {
    /// One object per line (ndjson) instead of one array.
    let lines: Bool
    private var count = 0
    /// The query whose object is open with streamed rows, and how many rows it has so far.
    private var streaming: (index: Int, rows: Int)?

    var streamsRows: Bool { true }

    init(lines: Bool) {
        self.lines = lines
    }

    mutating func begin(into output: OutputWriter) {
        if !lines { output.write("[") }
    }

    mutating func beginRows(_ query: Query, columns: [Column], realRendering: RealRendering, into output: OutputWriter) {
        if streaming == nil {
            if !lines { output.write(count == 0 ? "\n" : ",\n") }
            count += 1
            output.write(JSONFormatter.head(query))
        } else {
            output.write("]")  // a further result of the same query text
        }
        output.write(JSONFormatter.columns(columns) + ",\"rows\":[")
        streaming = (query.index, 0)
    }

    mutating func writeRows(_ rows: RowChunk, realRendering: RealRendering, into output: OutputWriter) {
        guard var open = streaming else { return }
        var text = ""
        for row in 0..<rows.rowCount {
            if open.rows > 0 { text += "," }
            open.rows += 1
            JSONFormatter.append(rows.row(row), to: &text)
        }
        streaming = open
        output.write(text)
    }

    mutating func write(_ outcome: QueryOutcome, into output: OutputWriter) {
        if let open = streaming, open.index == outcome.query.index {
            streaming = nil
            var text = "]"
            if case .rows(let rows) = outcome.result { text += ",\"rows_affected\":" + (rows.rowsAffected.map(String.init) ?? "null") }
            output.write(text + JSONFormatter.tail(outcome, leadingComma: true))
        } else {
            if !lines { output.write(count == 0 ? "\n" : ",\n") }
            count += 1
            output.write(JSONFormatter.object(for: outcome))
        }
        if lines { output.write("\n") }
    }

    mutating func end(into output: OutputWriter) {
        if !lines { output.write(count == 0 ? "]\n" : "\n]\n") }
    }

    /// The JSON object describing one outcome, on one line.
    static func object(for outcome: QueryOutcome) -> String {
        var json = head(outcome.query)
        if case .rows(let rows) = outcome.result {
            json += columns(rows.columns) + ",\"rows\":["
            for (r, row) in rows.rows.enumerated() {
                if r > 0 { json += "," }
                append(row, to: &json)
            }
            json += "],\"rows_affected\":" + (rows.rowsAffected.map(String.init) ?? "null")
        }
        return json + tail(outcome, leadingComma: outcome.rowSet != nil)
    }

    /// `{"index":..,"name":..,"line":..` (the object stays open).
    static func head(_ query: Query) -> String {
        "{\"index\":\(query.index),\"name\":\(string(query.name)),\"line\":\(query.line),"
    }

    /// `"columns":[{"name":..,"type":..},...]`.
    static func columns(_ columns: [Column]) -> String {
        "\"columns\":[" + columns.map { "{\"name\":\(string($0.name)),\"type\":\(string($0.type))}" }.joined(separator: ",") + "]"
    }

    /// One row as a JSON array, appended to `json`.
    static func append(_ row: [Value], to json: inout String) {
        json += "["
        for (i, value) in row.enumerated() {
            if i > 0 { json += "," }
            json += JSONFormatter.value(value)
        }
        json += "]"
    }

    /// The status, error and timings that close an outcome's object.
    static func tail(_ outcome: QueryOutcome, leadingComma: Bool) -> String {
        var json = (leadingComma ? "," : "") + "\"status\":\"\(outcome.status.rawValue)\""
        if case .failed(let error) = outcome.result {
            json += ",\"error\":" + errorObject(error)
        }
        json += ",\"start_ms\":" + milliseconds(outcome.startOffset) + ",\"elapsed_ms\":" + milliseconds(outcome.duration)
        json += ",\"attempts\":\(outcome.attempts)"
        if let servedBy = outcome.servedBy { json += ",\"target\":" + string(servedBy) }
        if !outcome.targets.isEmpty { json += ",\"targets\":[" + outcome.targets.map(targetObject).joined(separator: ",") + "]" }
        return json + "}"
    }

    /// One target's part in a fan-out query: `{target, status, rows, elapsed_ms, error}`.
    static func targetObject(_ target: TargetOutcome) -> String {
        var json = "{\"target\":\(string(target.label)),\"status\":\"\(target.status.rawValue)\",\"rows\":\(target.rowCount)"
        json += ",\"elapsed_ms\":" + milliseconds(target.duration)
        json += ",\"error\":" + (target.error.map(errorObject) ?? "null")
        return json + "}"
    }

    /// A query error as a JSON object: code, message, and line, column, detail, hint when known.
    static func errorObject(_ error: QueryError) -> String {
        var json = "{\"code\":\(string(error.code.rawValue)),\"message\":\(string(error.message))"
        if let line = error.line { json += ",\"line\":\(line)" }
        if let column = error.column { json += ",\"column\":\(column)" }
        if let detail = error.detail { json += ",\"detail\":\(string(detail))" }
        if let hint = error.hint { json += ",\"hint\":\(string(hint))" }
        return json + "}"
    }

    /// A value as JSON: numbers bare, NULL as null, json embedded, bytes as `\x` hex text.
    /// Numbers JSON cannot hold (NaN, ±Infinity, of any engine and type) are the strings
    /// `"NaN"`, `"Infinity"`, `"-Infinity"`, as PostgreSQL's `to_json` writes them.
    static func value(_ value: Value) -> String {
        switch value {
        case .null: return "null"
        case .integer(let i): return String(i)
        case .real(let d):
            if d.isFinite { return ValueText.postgresReal(d) }
            return d.isNaN ? "\"NaN\"" : d < 0 ? "\"-Infinity\"" : "\"Infinity\""
        case .decimal(let s): return isJSONNumber(s) ? s : string(s)
        case .bool(let b): return b ? "true" : "false"
        case .text(let s): return string(s)
        case .json(let s): return s
        case .blob(let bytes): return string(ValueText.postgresHex(bytes))
        }
    }

    /// Whether numeric text is also a JSON number (`NaN`, `Infinity`, `-Infinity` are not).
    private static func isJSONNumber(_ text: String) -> Bool {
        guard let first = text.utf8.first, let last = text.utf8.last else { return false }
        return (first == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first))
            && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(last)
    }

    private static func milliseconds(_ duration: Duration?) -> String {
        guard let duration else { return "null" }
        let ms = DurationText.seconds(duration) * 1000
        return String((ms * 1000).rounded() / 1000)
    }

    /// `text` as a JSON string literal.
    static func string(_ text: String) -> String {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count + 2)
        out.append(UInt8(ascii: "\""))
        let hex = Array("0123456789abcdef".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
        return String(decoding: out, as: UTF8.self)
    }
}
