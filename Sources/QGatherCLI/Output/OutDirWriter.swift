import Foundation
import QGather

/// `--out-dir DIR`: one file per query, named after it (`top_customers.csv`; the extension
/// follows the format), plus `summary.json` describing every query.
///
/// `prepare` runs before anything else: it creates DIR and refuses, naming the file, to
/// overwrite an existing file unless `--force`. A query that fails gets no file (with
/// `--force`, an old file of that name is removed, so nothing stale stays behind).
struct OutDirWriter: OutcomeSink {
    /// The summary's file name.
    static let summaryName = "summary.json"

    let directory: String
    let format: OutputFormat
    let options: FormatOptions
    /// The file name of each query, by index.
    let fileNames: [String]
    let force: Bool
    private var summaryLines: [String] = []

    var writesToStdout: Bool { false }

    /// Plans the files of `batch`, creates `directory` if needed and checks that no file would be
    /// overwritten (unless `force`).
    static func prepare(batch: Batch, directory: String, format: OutputFormat, options: FormatOptions,
                        force: Bool) throws(OutDirError) -> OutDirWriter {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        if fileManager.fileExists(atPath: directory, isDirectory: &isDirectory) {
            if !isDirectory.boolValue { throw OutDirError("\(directory): exists and is not a directory") }
        } else {
            do {
                try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw OutDirError("\(directory): cannot create directory: \((error as NSError).localizedDescription)")
            }
        }
        let names = fileNames(for: batch, extension: format.fileExtension)
        for name in names + [summaryName] {
            let path = (directory as NSString).appendingPathComponent(name)
            guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue { throw OutDirError("\(path): is a directory") }
            if !force { throw OutDirError("\(path) already exists (use --force to overwrite)") }
        }
        return OutDirWriter(directory: directory, format: format, options: options, fileNames: names, force: force)
    }

    /// A file name per query: its name with characters other than letters, digits, `_`, `-`
    /// and `.` replaced by `_` (and no leading dot), then the extension. A name already taken
    /// (or `summary.json`) gets `_2`, `_3`, ... appended.
    static func fileNames(for batch: Batch, extension ext: String) -> [String] {
        // macOS's file systems fold case (and Unicode normalisation): `Totals.csv` would overwrite `totals.csv`.
        func key(_ name: String) -> String {
            #if canImport(Darwin)
            name.precomposedStringWithCanonicalMapping.lowercased()
            #else
            name
            #endif
        }
        var taken: Set<String> = [key(summaryName)]
        return batch.queries.map { query in
            var stem = String(String.UnicodeScalarView(query.name.unicodeScalars.map { scalar in
                scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "_-.".unicodeScalars.contains(scalar) ? scalar : "_"
            }))
            if stem.hasPrefix(".") { stem = "_" + stem.dropFirst() }
            if stem.isEmpty { stem = "q\(query.index + 1)" }
            var name = stem + "." + ext
            var suffix = 2
            while taken.contains(key(name)) {
                name = "\(stem)_\(suffix).\(ext)"
                suffix += 1
            }
            taken.insert(key(name))
            return name
        }
    }

    private func path(_ name: String) -> String {
        (directory as NSString).appendingPathComponent(name)
    }

    mutating func begin() throws(OutputError) {}

    mutating func write(_ outcome: QueryOutcome, flush: Bool) throws(OutputError) {
        let name = fileNames[outcome.query.index]
        var written: String?
        // A fan-out query that failed on some targets still has the merged rows of the others.
        if outcome.status == .ok || (!outcome.targets.isEmpty && outcome.rowSet != nil) {
            try OutDirWriter.save(content(of: outcome), to: path(name))
            written = name
        } else if force {
            try? FileManager.default.removeItem(atPath: path(name))
        }
        summaryLines.append(summaryLine(outcome, file: written))
    }

    mutating func end(wall: Duration) throws(OutputError) {
        var json = "{\n  \"format\": \"\(format.rawValue)\",\n  \"wall_ms\": \(TimingJSON.number(DurationText.seconds(wall) * 1000)),\n  \"queries\": ["
        json += summaryLines.isEmpty ? "]\n}\n" : "\n    " + summaryLines.joined(separator: ",\n    ") + "\n  ]\n}\n"
        try OutDirWriter.save(json, to: path(OutDirWriter.summaryName))
    }

    /// One query's file: the format's output for a batch of just this query (json: its object).
    private func content(of outcome: QueryOutcome) -> String {
        if format == .json || format == .ndjson { return JSONFormatter.object(for: outcome) + "\n" }
        let output = OutputWriter(descriptor: nil)
        var formatter = format.makeFormatter(options)
        formatter.begin(into: output)
        formatter.write(outcome, into: output)
        formatter.end(into: output)
        return output.text
    }

    /// The query's entry in summary.json.
    private func summaryLine(_ outcome: QueryOutcome, file: String?) -> String {
        let entry = TimingReport.Entry(outcome)
        var json = "{\"index\": \(outcome.query.index), \"name\": \(JSONFormatter.string(outcome.query.name))"
        json += ", \"file\": \(file.map(JSONFormatter.string) ?? "null"), \"line\": \(outcome.query.line)"
        json += ", \"status\": \"\(outcome.status.rawValue)\", \"rows\": \(entry.rows.map(String.init) ?? "null")"
        json += ", \"start_ms\": \(TimingJSON.number(entry.startMilliseconds)), \"elapsed_ms\": \(TimingJSON.number(entry.elapsedMilliseconds))"
        json += ", \"error\": \(outcome.error.map(JSONFormatter.errorObject) ?? "null")"
        if let servedBy = outcome.servedBy { json += ", \"target\": " + JSONFormatter.string(servedBy) }
        if !outcome.targets.isEmpty { json += ", \"targets\": [" + outcome.targets.map(JSONFormatter.targetObject).joined(separator: ", ") + "]" }
        return json + "}"
    }

    private static func save(_ text: String, to path: String) throws(OutputError) {
        try OutputFile.write(text, to: path)
    }
}

/// `--out-dir` cannot be used as asked (exit 2, before anything runs).
struct OutDirError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
