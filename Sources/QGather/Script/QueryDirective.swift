/// A directive in a line comment above a statement: `-- name: NAME`, `-- expect: ...`,
/// `-- timeout: 5s`. Any other comment is just a comment, except one that starts like a
/// directive but is none (`-- expects: ...`, `-- timeout_ms: ...`): that is an error, so that a
/// misspelt check never silently checks nothing.
enum QueryDirective: Equatable {
    case name(String)
    case expect(Expectation)
    case timeout(Duration)

    /// The directive in a comment's text after `--`; nil for a plain comment; a message when it
    /// is a directive that does not parse.
    static func parse(_ comment: String) -> Result<QueryDirective, DirectiveError>? {
        let body = comment.drop { $0 == " " || $0 == "\t" }
        let word = body.prefix { $0.isLetter || $0 == "_" || $0 == "-" }.lowercased()
        let afterWord = body.dropFirst(word.count)
        guard afterWord.first == ":" else {
            if Self.looksLikeDirective(word), afterWord.drop(while: { $0 == " " }).first == ":" {
                return .failure(DirectiveError("'\(word)' needs its colon right after it"))
            }
            return nil
        }
        let value = String(afterWord.dropFirst()).trimmingWhitespace()
        switch word {
        case "name":
            let name = value.prefix { !$0.isWhitespace }
            return name.isEmpty ? nil : .success(.name(String(name)))
        case "expect":
            guard let expectation = Expectation(parsing: value) else {
                return .failure(DirectiveError("'expect: \(value)' is not an expectation: use no rows, rows = N (or !=, <, <=, >, >= N), or value = TEXT"))
            }
            return .success(.expect(expectation))
        case "timeout":
            guard let duration = DurationText.parse(value) else {
                return .failure(DirectiveError("'timeout: \(value)' is not a duration like 500ms, 5s or 2m"))
            }
            return .success(.timeout(duration))
        default:
            if Self.looksLikeDirective(word) {
                return .failure(DirectiveError("unknown directive '\(word):' (the directives are name:, expect: and timeout:)"))
            }
            return nil
        }
    }

    /// A word that is meant as a directive even though it is not one.
    private static func looksLikeDirective(_ word: String) -> Bool {
        word.hasPrefix("expect") || word.hasPrefix("timeout")
    }
}

/// Why a directive comment does not parse.
struct DirectiveError: Error, Equatable {
    let message: String
    init(_ message: String) { self.message = message }
}

extension String {
    /// Without spaces, tabs and carriage returns at either end.
    func trimmingWhitespace() -> String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" || first == "\r" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" || last == "\r" { text.removeLast() }
        return String(text)
    }
}
