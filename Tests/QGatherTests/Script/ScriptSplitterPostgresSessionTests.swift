import QGather
import Testing

/// Splits `text` as PostgreSQL, with `standard_conforming_strings` at `standard` to begin with.
private func splitPostgres(_ text: String, standard: Bool = true) throws -> [String] {
    try ScriptSplitter(dialect: .postgres, standardConformingStrings: standard).split(text, file: "test.sql").map(\.sql)
}

/// Where real PostgreSQL SQL (its regression suite) showed the splitter reading a script
/// otherwise than psql: parenthesised multi-action rules, strings under
/// `standard_conforming_strings = off`, and `:name` inside array slices.
@Suite struct ScriptSplitterPostgresSessionTests {
    // MARK: Parentheses

    @Test func parenthesisedMultiActionRuleIsOneStatement() throws {
        let rule = "CREATE RULE r AS ON INSERT TO t DO INSTEAD (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2))"
        #expect(try splitPostgres(rule + "; SELECT 1;") == [rule, "SELECT 1"])
    }

    @Test func semicolonAfterTheParenthesesAreClosedEndsTheStatement() throws {
        #expect(try splitPostgres("SELECT (1); SELECT ((2));") == ["SELECT (1)", "SELECT ((2))"])
    }

    @Test func closingParenthesisWithoutAnOpenerDoesNotKeepLaterStatementsTogether() throws {
        #expect(try splitPostgres("SELECT 1); SELECT 2;") == ["SELECT 1)", "SELECT 2"])
    }

    @Test func parenthesesInsideStringsAndCommentsDoNotCount() throws {
        #expect(try splitPostgres("SELECT '(' /* ( */ -- (\n; SELECT 2;") == ["SELECT '('", "SELECT 2"])
    }

    @Test func sqliteSplitsAtASemicolonInsideParenthesesAsTheSqlite3ShellDoes() throws {
        let queries = try ScriptSplitter(dialect: .sqlite).split("SELECT (1; SELECT 2);", file: "test.sql")
        #expect(queries.map(\.sql) == ["SELECT (1", "SELECT 2)"])
    }

    // MARK: standard_conforming_strings

    @Test func backslashEscapesAQuoteWhenStandardConformingStringsIsOff() throws {
        let text = #"select 'a\'b' as x; select 2 as y; select 3 as z;"#
        #expect(try splitPostgres(text, standard: false) == [#"select 'a\'b' as x"#, "select 2 as y", "select 3 as z"])
    }

    @Test func setInTheScriptChangesHowLaterStringsAreRead() throws {
        let text = #"SET standard_conforming_strings = off; select 'a\'b'; SET standard_conforming_strings TO on; select 'c\'; select 3;"#
        let statements = try splitPostgres(text)
        #expect(statements == ["SET standard_conforming_strings = off", #"select 'a\'b'"#, "SET standard_conforming_strings TO on",
                               #"select 'c\'"#, "select 3"])
    }

    @Test(arguments: ["RESET standard_conforming_strings", "SET standard_conforming_strings TO DEFAULT", "RESET ALL", "DISCARD ALL"])
    func resetReturnsToTheSessionDefault(reset: String) throws {
        let text = #"SET SESSION standard_conforming_strings = 'off'; \#(reset); select 'c\'; select 3;"#
        #expect(try splitPostgres(text).suffix(2) == [#"select 'c\'"#, "select 3"])
    }

    @Test(arguments: ["SET LOCAL standard_conforming_strings = off", "SELECT set_config('standard_conforming_strings', 'off', false)",
                      "BEGIN; SET standard_conforming_strings = off"])
    func aChangeThatCannotBeFollowedRefusesALaterStringWithABackslash(change: String) throws {
        let text = "\(change);\nselect 'plain';\nselect 'a\\'b';\nselect 3;"
        do {
            let statements = try splitPostgres(text)
            Issue.record("expected an error, got \(statements)")
        } catch let error as ScriptError {
            #expect(error.line == 3)
            #expect(error.message.hasPrefix("cannot tell where this string ends: standard_conforming_strings was changed at test.sql:1"))
        }
    }

    @Test func unicodeEscapeStringsNeverTakeABackslashAsAQuoteEscape() throws {
        #expect(try splitPostgres(#"SELECT U&'d\0061t\'; SELECT 2;"#, standard: false) == [#"SELECT U&'d\0061t\'"#, "SELECT 2"])
        #expect(try splitPostgres(#"SET LOCAL standard_conforming_strings = off; SELECT U&'\0041'; SELECT 2;"#).count == 3)
    }

    @Test func commitAndChainStaysInTheTransactionBlock() {
        let text = "BEGIN; COMMIT AND CHAIN; SET standard_conforming_strings = off; ROLLBACK;\nSELECT 'x\\';"
        #expect(throws: ScriptError.self) { try splitPostgres(text) }
    }

    @Test func resetAfterAnInitThatSetTheValueMakesItUnknown() throws {
        let scripts = [(path: "s.sql", text: "RESET ALL;\nSELECT 'a\\', 'b\\';")]
        #expect(throws: ScriptError.self) {
            try ScriptLoader.split(scripts, dialect: .postgres, standardConformingStrings: false, standardConformingStringsOnReset: .some(nil))
        }
        let known = try ScriptLoader.split(scripts, dialect: .postgres, standardConformingStrings: false, standardConformingStringsOnReset: true)
        #expect(known.queries.map(\.sql) == ["RESET ALL", #"SELECT 'a\', 'b\'"#])
    }

    @Test func anUnclosedParenthesisIsAnErrorNamingItsLine() {
        #expect(throws: ScriptError(file: "test.sql", line: 2, message: "unterminated parenthesis (every ; after it belongs inside it)")) {
            try splitPostgres("SELECT 1;\nSELECT count(* FROM a;\nSELECT 3;")
        }
    }

    @Test func escapeStringsAreReadTheSameWhateverTheSetting() throws {
        let text = #"SET LOCAL standard_conforming_strings = off; select E'a\'b'; select 2;"#
        #expect(try splitPostgres(text).count == 3)
    }

    @Test func filesOfOneBatchShareTheSessionSetting() throws {
        let batch = try ScriptLoader.split([("a.sql", "SET standard_conforming_strings = off;"), ("b.sql", #"select 'a\'b'; select 2;"#)],
                                           dialect: .postgres)
        #expect(batch.queries.map(\.sql) == ["SET standard_conforming_strings = off", #"select 'a\'b'"#, "select 2"])
    }

    @Test func initStatementsSetTheStartingValue() {
        #expect(ScriptSplitter.standardConformingStrings(after: ["SET standard_conforming_strings = off"]) == false)
        #expect(ScriptSplitter.standardConformingStrings(after: ["SET search_path = x", "set standard_conforming_strings to 'on'"], initial: false) == true)
        #expect(ScriptSplitter.standardConformingStrings(after: []) == true)
        #expect(ScriptSplitter.standardConformingStrings(after: ["SELECT set_config('standard_conforming_strings', 'off', false)"]) == nil)
    }

    // MARK: Array slices

    @Test(arguments: ["SELECT a[1:n], b[lo:hi] FROM t", "SELECT f[1][1:NULL][1] FROM t", "SELECT a[n:], a[1 :n] FROM t",
                      "SELECT (a[1:2])[1:n] FROM t"])
    func nameInsideArraySubscriptIsASliceBoundNotAPlaceholder(sql: String) {
        #expect(SQLPlaceholder.find(in: sql, dialect: .postgres).isEmpty)
    }

    @Test func placeholdersInAnArrayConstructorAreStillPlaceholders() {
        #expect(SQLPlaceholder.find(in: "SELECT * FROM t WHERE id = ANY(ARRAY[:a, :b]) AND x = a[:n]", dialect: .postgres).map(\.name)
            == ["a", "b", "n"])
    }

    @Test func placeholderOutsideTheBracketsIsStillOne() {
        let found = SQLPlaceholder.find(in: "SELECT a[1:n] FROM t WHERE id = :id AND b[lo:hi] = :v", dialect: .postgres)
        #expect(found.map(\.name) == ["id", "v"])
    }

    @Test func sliceBoundsDoNotNeedAParameterToRun() throws {
        var batch = Batch(try ScriptSplitter(dialect: .postgres).split("SELECT a[1:n], b[lo:hi] FROM t;"))
        #expect(try batch.bind([:], dialect: .postgres).isEmpty)
    }
}
