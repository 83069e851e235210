/// Splits a SQL script into statements from `SQLLexer`'s tokens: `;` ends a statement only
/// outside trigger / `BEGIN ATOMIC` bodies and (PostgreSQL, as psql) parentheses.
public struct ScriptSplitter: Sendable {
    /// The dialect the script is written in.
    public var dialect: SQLDialect
    /// PostgreSQL: the session's `standard_conforming_strings` where the script starts (`false`:
    /// a backslash escapes the next character in `'...'`). `SET`s in the script are followed.
    public var standardConformingStrings: Bool

    /// Creates a splitter for `dialect`.
    public init(dialect: SQLDialect, standardConformingStrings: Bool = true) {
        self.dialect = dialect
        self.standardConformingStrings = standardConformingStrings
    }

    /// Splits `text` into queries. `file` names the source in errors and in each query;
    /// `firstIndex` numbers the first statement (several files make one batch).
    public func split(_ text: String, file: String = "<inline>", firstIndex: Int = 0) throws(ScriptError) -> [Query] {
        var strings = StringSyntax(standardConformingStrings: standardConformingStrings)
        return try split(text, file: file, firstIndex: firstIndex, strings: &strings)
    }

    /// Each statement of `text` with the `standard_conforming_strings` reading it was split
    /// under (nil: unknown, so it holds no plain string with a backslash). For property tests.
    func splitWithStringReadings(_ text: String, file: String) throws(ScriptError) -> [(query: Query, standardStrings: Bool?)] {
        var lexer = StatementScanner(bytes: Array(text.utf8), dialect: dialect, file: file,
                          strings: StringSyntax(standardConformingStrings: standardConformingStrings))
        lexer.recordStringReadings = true
        let queries = try lexer.statements(firstIndex: 0)
        return Array(zip(queries, lexer.stringReadings))
    }

    /// `split`, starting from and updating `strings` (the files of one batch run in one session).
    func split(_ text: String, file: String, firstIndex: Int, strings: inout StringSyntax) throws(ScriptError) -> [Query] {
        let table = try statements(of: Array(text.utf8), file: file, firstIndex: firstIndex, strings: &strings)
        return (0..<table.count).map { table[$0] }
    }

    /// The statements of a script's UTF-8 `bytes`, held compactly, the bytes shared and not copied.
    func statements(of bytes: [UInt8], file: String, firstIndex: Int, strings: inout StringSyntax) throws(ScriptError) -> ScriptStatements {
        var lexer = StatementScanner(bytes: bytes, dialect: dialect, file: file, strings: strings)
        let table = try lexer.statementTable(firstIndex: firstIndex)
        strings = lexer.strings
        return table
    }

    /// Whether `sql` mentions `standard_conforming_strings` (a `SET`, `RESET`, `set_config`, ...).
    package static func mentionsStandardConformingStrings(_ sql: String) -> Bool {
        StringSyntax.mentionsSetting(ArraySlice(sql.utf8))
    }

    /// PostgreSQL: `standard_conforming_strings` after `statements` ran in a session that started
    /// with `initial` (the `--init` statements), or nil when they change it in a way that cannot be followed.
    public static func standardConformingStrings(after statements: [String], initial: Bool = true) -> Bool? {
        var strings = StringSyntax(standardConformingStrings: initial)
        let splitter = ScriptSplitter(dialect: .postgres)
        for sql in statements {
            guard (try? splitter.split(sql, file: "--init", firstIndex: 0, strings: &strings)) != nil else { return nil }
        }
        return strings.current
    }
}
