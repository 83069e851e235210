/// How PostgreSQL reads a backslash in a plain `'...'` string at a point of a script: literally
/// (`standard_conforming_strings = on`, the default since 9.1) or as an escape (`off`). The
/// splitter must read strings as the server will, or it ends a statement inside a string (or
/// runs two into one), so it follows the setting as psql does: from where the session starts
/// (the server's reported value, `--init`) through the `SET`s of the script.
///
/// A change it cannot follow (`SET LOCAL`, `set_config(...)`, a `SET` inside a transaction block
/// that may roll back) leaves the setting unknown; from then on a plain string that holds a
/// backslash is refused, since the two readings disagree about where it ends.
struct StringSyntax: Sendable, Equatable {
    /// The value `RESET` returns to (the session's default), or nil when it is not known (an
    /// `--init` statement set it, and `RESET` undoes that).
    let sessionDefault: Bool?
    /// The value in force, or nil when a statement changed it in a way the splitter cannot follow.
    private(set) var current: Bool?
    /// Where the setting became unknown: `FILE:LINE`, for the error.
    private(set) var unknownSince: String?
    /// Inside `BEGIN ... COMMIT`, where a `SET` may still be rolled back.
    private var inTransactionBlock = false

    /// A script read with `standard_conforming_strings` at `standardConformingStrings` to begin
    /// with; `RESET` sets it to `onReset` (nil: unknown).
    init(standardConformingStrings: Bool, onReset: Bool?? = .none) {
        sessionDefault = onReset ?? standardConformingStrings
        current = standardConformingStrings
    }

    /// Follows one statement's effect on the setting (PostgreSQL only). `leadingWords` are its
    /// first words, upper-cased; `sql` its text; `location` names it for a later error.
    mutating func observe(sql: ArraySlice<UInt8>, leadingWords: [String], location: @autoclosure () -> String) {
        switch (leadingWords.first, leadingWords.dropFirst().first) {
        case ("BEGIN", _), ("START", "TRANSACTION"): inTransactionBlock = true
        case ("COMMIT", _), ("END", _), ("ABORT", _), ("ROLLBACK", _):
            // `ROLLBACK TO` a savepoint and `... AND CHAIN` stay inside a transaction block.
            let chained = leadingWords.count >= 3 && leadingWords[1] == "AND" && leadingWords[2] == "CHAIN"
            if leadingWords.dropFirst().first != "TO" && !chained { inTransactionBlock = false }
        case ("RESET", "ALL"), ("DISCARD", "ALL"): reset(location: location())
        default: break
        }
        guard Self.mentionsSetting(sql) else { return }
        switch Self.change(in: sql) {
        case .some(.some(let value)): apply(value, location: location())
        case .some(.none): reset(location: location())
        case .none: becomeUnknown(at: location())
        }
    }

    private mutating func apply(_ value: Bool, location: String) {
        if inTransactionBlock && current != value {
            becomeUnknown(at: location)
        } else {
            current = value
        }
    }

    private mutating func reset(location: String) {
        if let sessionDefault { apply(sessionDefault, location: location) } else { becomeUnknown(at: location) }
    }

    private mutating func becomeUnknown(at location: String) {
        if current != nil { unknownSince = location }
        current = nil
    }

    private static let name = Array("standard_conforming_strings".utf8)

    /// Whether `sql` holds the setting's name, in any case (a `SET`, a `set_config` call, ...).
    static func mentionsSetting(_ sql: ArraySlice<UInt8>) -> Bool {
        guard sql.count >= name.count else { return false }
        func lowered(_ b: UInt8) -> UInt8 { b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") ? b + 32 : b }
        var i = sql.startIndex
        while i <= sql.endIndex - name.count {
            if lowered(sql[i]) == name[0], (1..<name.count).allSatisfy({ lowered(sql[i + $0]) == name[$0] }) { return true }
            i += 1
        }
        return false
    }

    /// The value a plain `SET [SESSION] standard_conforming_strings {TO|=} VALUE` or `RESET
    /// standard_conforming_strings` gives: `.some(value)`, `.some(nil)` for the session default
    /// (`RESET`, `DEFAULT`), or nil when the statement is anything else that mentions the setting.
    static func change(in sql: ArraySlice<UInt8>) -> Bool?? {
        var words: [String] = []
        var word: [UInt8] = []
        func endWord() {
            if !word.isEmpty { words.append(String(decoding: word, as: UTF8.self)) }
            word.removeAll()
        }
        for byte in sql {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): endWord()
            case UInt8(ascii: "="):
                endWord()
                words.append("=")
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): word.append(byte + 32)
            default: word.append(byte)
            }
        }
        endWord()
        if words.first == "reset" {
            return words == ["reset", "standard_conforming_strings"] ? .some(nil) : nil
        }
        guard words.first == "set" else { return nil }
        words.removeFirst()
        if words.first == "session" { words.removeFirst() }
        guard words.first == "standard_conforming_strings", words.count == 3, words[1] == "to" || words[1] == "=" else { return nil }
        var value = words[2]
        if value.count >= 2, value.hasPrefix("'"), value.hasSuffix("'") { value = String(value.dropFirst().dropLast()) }
        switch value {
        case "on", "true", "yes", "1", "t", "y": return .some(true)
        case "off", "false", "no", "0", "f", "n": return .some(false)
        case "default": return .some(nil)
        default: return nil
        }
    }
}
