import Foundation

/// `--targets FILE`: one target per line, `[LABEL] TARGET`, where TARGET is a SQLite path, a
/// libpq conninfo or a `postgresql://` URI. Blank lines and lines starting with `#` are skipped.
///
/// A line whose first word is a conninfo's `keyword=value` (letters and `_`, then `=`) or starts
/// with `postgres://`/`postgresql://` is a target alone; otherwise a line of several words is a
/// label, then the target (the rest of the line: a path with spaces needs a label). A path
/// whose first word would read as `keyword=value` (`tenant=eu.db`) is written `./tenant=eu.db`;
/// a conninfo is written without spaces around `=`. Relative SQLite paths are resolved against
/// the file's directory; `file:` URIs and `:memory:` are taken as they are.
enum TargetsFile {
    /// A line that is not a target: `FILE:LINE: why`.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The targets of the file at `path`, in order.
    static func read(_ path: String) throws(Failure) -> [LabelledTarget] {
        if access(path, R_OK) != 0 {
            throw Failure(description: "\(path): cannot read the targets file: \(String(cString: strerror(errno)))")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw Failure(description: "\(path): cannot read the targets file: it is a directory")
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw Failure(description: "\(path): cannot read the targets file: not a UTF-8 text file")
        }
        let directory = (path as NSString).deletingLastPathComponent
        var targets: [LabelledTarget] = []
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            targets.append(try parse(line, directory: directory, at: "\(path):\(number + 1)"))
        }
        if targets.isEmpty { throw Failure(description: "\(path): no targets (one per line: [LABEL] PATH|CONNINFO|URI)") }
        return targets
    }

    /// One non-blank line.
    static func parse(_ line: String, directory: String, at location: String) throws(Failure) -> LabelledTarget {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let first = words.first.map(String.init) else { throw Failure(description: "\(location): empty line") }
        var label: String?
        var rest = line
        if words.count > 1, !startsTarget(first) {
            label = first
            rest = String(line.dropFirst(first.count)).trimmingCharacters(in: .whitespaces)
        }
        if let label, label.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw Failure(description: "\(location): the label holds a control character")
        }
        var target: TargetOptions.Target = startsTarget(rest) ? .postgres(rest) : .sqlite(rest)
        if case .sqlite(let path) = target, !path.hasPrefix("/"), path != ":memory:", !path.hasPrefix("file:") {
            target = .sqlite(directory.isEmpty ? path : (directory as NSString).appendingPathComponent(path))
        }
        return LabelledTarget(givenLabel: label, target: target, origin: location)
    }

    /// Whether `text` begins with a PostgreSQL target: a URI, or a conninfo's `keyword=` (a
    /// keyword is letters and `_`, so `./dt=2024.db` or `/data/k=v/app.db` stay paths).
    private static func startsTarget(_ text: String) -> Bool {
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") { return true }
        let keyword = text.prefix { $0.isASCII && ($0.isLetter || $0 == "_") }
        return !keyword.isEmpty && text.dropFirst(keyword.count).first == "="
    }
}
