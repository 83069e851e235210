import ArgumentParser
import Foundation

/// What a batch run prints and where: format, out-dir, progress, timings.
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: table, csv, json, ndjson, markdown, junit (a JUnit XML report for CI).")
    var format: OutputFormat = .table

    @Flag(name: .long, help: "Leave out the header row (table, csv, markdown).")
    var noHeader = false

    @Option(name: .long, help: ArgumentHelp("How NULL prints in table, csv and markdown (default: empty).", valueName: "string"))
    var null: String?

    @Option(name: .long, help: ArgumentHelp("Write one file per query (NAME.csv, .json, .ndjson, .txt, .md) and summary.json into this directory instead of stdout.", valueName: "dir"),
            completion: .directory)
    var outDir: String?

    @Flag(name: .long, help: "With --out-dir: overwrite existing files.")
    var force = false

    @Flag(name: [.short, .long], help: "No progress line on stderr (it is shown only when stderr is a terminal).")
    var quiet = false

    @Flag(name: .long, help: "Print per-query timings, a summary and a timeline chart on stderr.")
    var timing = false

    @Option(name: .long, help: ArgumentHelp("Write raw per-query timings as JSON to this file.", valueName: "file"),
            completion: .file(extensions: ["json"]))
    var timingJson: String?

    func validate() throws {
        if force && outDir == nil { throw ValidationError("--force only applies with --out-dir") }
        if format == .junit && outDir != nil { throw ValidationError("--format junit writes one report to standard output; it does not combine with --out-dir") }
        if let outDir, outDir.isEmpty { throw ValidationError("--out-dir needs a directory") }
        if let timingJson {
            if timingJson.isEmpty { throw ValidationError("--timing-json needs a file name") }
            let parent = (timingJson as NSString).deletingLastPathComponent
            var isDirectory: ObjCBool = false
            if !parent.isEmpty && !(FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory) && isDirectory.boolValue) {
                throw ValidationError("--timing-json \(timingJson): no such directory \(parent)")
            }
        }
        if !format.isTextual && noHeader { throw ValidationError("--no-header applies to table, csv and markdown, not \(format.rawValue)") }
        if !format.isTextual && null != nil { throw ValidationError("--null applies to table, csv and markdown, not \(format.rawValue)") }
    }

    /// The `--no-header` and `--null` choices.
    var formatOptions: FormatOptions {
        FormatOptions(header: !noHeader, null: null ?? "")
    }
}
