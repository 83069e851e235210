import Foundation

/// `--targets FILE`: one target per line, `[LABEL] TARGET`, where TARGET is a SQLite path, a
/// libpq conninfo or a `postgresql://` URI. Blank lines and lines starting with `#` are skipped.
///
/// A line whose first word holds `=` or starts with `postgres://`/`postgresql://` is a target
/// alone (a conninfo's words all hold `=`); otherwise a line of several words is a label, then
/// the target (the rest of the line: a path with spaces needs a label). Relative SQLite paths
/// are resolved against the file's directory.
enum TargetsFile {
    /// A line that is not a target: `FILE:LINE: why`.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The targets of the file at `path`, in order.
    static func read(_ path: String) throws(Failure) -> [LabelledTarget] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw Failure(description: "\(path): cannot read the targets file: \((error as NSError).localizedDescription)")
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
        var target = TargetOptions.Target.classify(rest, conninfoAllowed: true)
        if case .sqlite(let path) = target, !path.hasPrefix("/"), path != ":memory:", !path.hasPrefix("file:") {
            target = .sqlite(directory.isEmpty ? path : (directory as NSString).appendingPathComponent(path))
        }
        return LabelledTarget(givenLabel: label, target: target, origin: location)
    }

    /// Whether `word` begins a target on its own: a URI, or a conninfo's `KEY=VALUE`.
    private static func startsTarget(_ word: String) -> Bool {
        word.hasPrefix("postgres://") || word.hasPrefix("postgresql://") || word.contains("=")
    }
}
