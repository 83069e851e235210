import QGather
import Testing

/// Splits `text` as the file `test.sql`.
private func split(_ text: String, _ dialect: SQLDialect, firstIndex: Int = 0) throws -> [Query] {
    try ScriptSplitter(dialect: dialect).split(text, file: "test.sql", firstIndex: firstIndex)
}

/// The error splitting `text` throws, recording an issue if it does not throw.
private func splitError(_ text: String, _ dialect: SQLDialect) -> ScriptError? {
    do throws(ScriptError) {
        let queries = try ScriptSplitter(dialect: dialect).split(text, file: "test.sql")
        Issue.record("expected a ScriptError, got \(queries.count) statement(s): \(queries.map(\.sql))")
        return nil
    } catch {
        return error
    }
}

/// `[line, column]` of a byte offset in `query`'s SQL.
private func lineAndColumn(_ query: Query, _ offset: Int) -> [Int] {
    let location = query.location(ofByteOffset: offset)
    return [location.line, location.column]
}

private let bothDialects: [SQLDialect] = [.sqlite, .postgres]

@Suite struct ScriptSplitterTests {
    // MARK: Strings and quoted identifiers

    @Test(arguments: bothDialects)
    func semicolonInsideStringLiteralWithDoubledQuoteDoesNotSplit(dialect: SQLDialect) throws {
        let queries = try split("SELECT 'it''s; fine'; SELECT 2;", dialect)
        #expect(queries.map(\.sql) == ["SELECT 'it''s; fine'", "SELECT 2"])
    }

    @Test(arguments: bothDialects)
    func semicolonInsideDoubleQuotedIdentifierDoesNotSplit(dialect: SQLDialect) throws {
        let queries = try split(#"SELECT "a;""b" FROM t; SELECT 2"#, dialect)
        #expect(queries.map(\.sql) == [#"SELECT "a;""b" FROM t"#, "SELECT 2"])
    }

    @Test func sqliteBacktickIdentifierWithSemicolonDoesNotSplit() throws {
        let queries = try split("SELECT `odd;name` FROM t; SELECT 2;", .sqlite)
        #expect(queries.map(\.sql) == ["SELECT `odd;name` FROM t", "SELECT 2"])
    }

    @Test func sqliteBracketIdentifierWithSemicolonDoesNotSplit() throws {
        let queries = try split("SELECT [odd;name] FROM t; SELECT 2;", .sqlite)
        #expect(queries.map(\.sql) == ["SELECT [odd;name] FROM t", "SELECT 2"])
    }

    @Test func postgresDoesNotTreatBackticksAsQuotes() throws {
        let queries = try split("SELECT `a; SELECT b`;", .postgres)
        #expect(queries.map(\.sql) == ["SELECT `a", "SELECT b`"])
    }

    @Test(arguments: bothDialects)
    func backslashDoesNotEscapeInStandardStringLiterals(dialect: SQLDialect) throws {
        let queries = try split(#"SELECT 'a\'; SELECT 2;"#, dialect)
        #expect(queries.map(\.sql) == [#"SELECT 'a\'"#, "SELECT 2"])
    }

    @Test func postgresEscapeStringBackslashQuoteDoesNotEndTheString() throws {
        let queries = try split(#"SELECT E'it\'s; fine'; SELECT 2;"#, .postgres)
        #expect(queries.map(\.sql) == [#"SELECT E'it\'s; fine'"#, "SELECT 2"])
    }

    @Test func postgresLowercaseEscapeStringWithEscapedBackslashEndsAtNextQuote() throws {
        let queries = try split(#"SELECT e'a\\'; SELECT 'b;c';"#, .postgres)
        #expect(queries.map(\.sql) == [#"SELECT e'a\\'"#, "SELECT 'b;c'"])
    }

    // MARK: Comments

    @Test(arguments: bothDialects)
    func semicolonInLineCommentDoesNotSplit(dialect: SQLDialect) throws {
        let queries = try split("SELECT 1 -- not the end;\n, 2;\nSELECT 3;", dialect)
        #expect(queries.map(\.sql) == ["SELECT 1 -- not the end;\n, 2", "SELECT 3"])
    }

    @Test(arguments: bothDialects)
    func semicolonInBlockCommentDoesNotSplit(dialect: SQLDialect) throws {
        let queries = try split("SELECT /* ; */ 1; SELECT 2;", dialect)
        #expect(queries.map(\.sql) == ["SELECT /* ; */ 1", "SELECT 2"])
    }

    @Test func postgresBlockCommentsNest() throws {
        let queries = try split("SELECT 1 /* a /* b */ ; */ + 1; SELECT 2;", .postgres)
        #expect(queries.map(\.sql) == ["SELECT 1 /* a /* b */ ; */ + 1", "SELECT 2"])
    }

    @Test func sqliteBlockCommentEndsAtFirstClose() throws {
        let queries = try split("SELECT 1 /* a /* b */ ; */ + 1; SELECT 2;", .sqlite)
        // The comment ends at the first `*/`; a trailing comment is not part of the statement.
        #expect(queries.map(\.sql) == ["SELECT 1", "*/ + 1", "SELECT 2"])
    }

    // MARK: Dollar quotes and parameters

    @Test func postgresDollarQuotedBodyWithSemicolonsIsOneStatement() throws {
        let text = "CREATE FUNCTION f() RETURNS void AS $$ BEGIN PERFORM 1; END; $$ LANGUAGE plpgsql; SELECT 2;"
        let queries = try split(text, .postgres)
        #expect(queries.map(\.sql) == ["CREATE FUNCTION f() RETURNS void AS $$ BEGIN PERFORM 1; END; $$ LANGUAGE plpgsql", "SELECT 2"])
    }

    @Test func postgresTaggedDollarQuoteIsNotClosedByPlainDollarQuote() throws {
        let queries = try split("SELECT $fn$ a $$ ; b $fn$; SELECT 2;", .postgres)
        #expect(queries.map(\.sql) == ["SELECT $fn$ a $$ ; b $fn$", "SELECT 2"])
    }

    @Test func postgresFunctionBodyInTaggedDollarQuoteContainingDollarQuotes() throws {
        let text = """
            CREATE FUNCTION f() RETURNS text LANGUAGE plpgsql AS $body$
            BEGIN
              RETURN $$a;b$$;
            END;
            $body$;
            SELECT f();
            """
        let queries = try split(text, .postgres)
        #expect(queries.count == 2)
        #expect(queries.first?.sql.hasSuffix("END;\n$body$") == true)
        #expect(queries.last?.sql == "SELECT f()")
        #expect(queries.last?.line == 6)
    }

    @Test func postgresPositionalParametersAreNotDollarQuotes() throws {
        let queries = try split("SELECT $1, $2 FROM t WHERE a = $1; SELECT $3;", .postgres)
        #expect(queries.map(\.sql) == ["SELECT $1, $2 FROM t WHERE a = $1", "SELECT $3"])
    }

    @Test func postgresIdentifierContainingDollarsIsNotADollarQuote() throws {
        let queries = try split("SELECT foo$bar$ FROM t; SELECT 2;", .postgres)
        #expect(queries.map(\.sql) == ["SELECT foo$bar$ FROM t", "SELECT 2"])
    }

    // MARK: Bodies with inner semicolons

    @Test func sqliteTriggerBodyIsOneStatement() throws {
        let text = """
            CREATE TRIGGER log_insert AFTER INSERT ON items
            BEGIN
              INSERT INTO log(item) VALUES (new.id);
              UPDATE counters SET n = n + 1;
            END;
            SELECT 1;
            """
        let queries = try split(text, .sqlite)
        #expect(queries.map(\.sql) == [
            "CREATE TRIGGER log_insert AFTER INSERT ON items\nBEGIN\n  INSERT INTO log(item) VALUES (new.id);\n  UPDATE counters SET n = n + 1;\nEND",
            "SELECT 1",
        ])
        #expect(queries.map(\.line) == [1, 6])
    }

    @Test func sqliteTempTriggerBodyIsOneStatement() throws {
        let text = """
            CREATE TEMP TRIGGER a AFTER DELETE ON t BEGIN DELETE FROM u; DELETE FROM v; END;
            create temporary trigger b after insert on t begin insert into u values (1); insert into v values (2); end;
            SELECT 3;
            """
        let queries = try split(text, .sqlite)
        #expect(queries.count == 3)
        #expect(queries[0].sql == "CREATE TEMP TRIGGER a AFTER DELETE ON t BEGIN DELETE FROM u; DELETE FROM v; END")
        #expect(queries[1].sql == "create temporary trigger b after insert on t begin insert into u values (1); insert into v values (2); end")
        #expect(queries[2].sql == "SELECT 3")
    }

    @Test func sqliteCaseEndInsideTriggerBodyDoesNotCloseTheBody() throws {
        let text = """
            CREATE TRIGGER flag AFTER INSERT ON a BEGIN
              UPDATE b SET sign = CASE WHEN new.x > 0 THEN 'pos' ELSE 'neg' END;
              DELETE FROM c;
            END;
            SELECT 2;
            """
        let queries = try split(text, .sqlite)
        #expect(queries.count == 2)
        #expect(queries.first?.sql.hasSuffix("DELETE FROM c;\nEND") == true)
        #expect(queries.last?.sql == "SELECT 2")
    }

    @Test func sqliteTransactionBeginIsNotABody() throws {
        let queries = try split("BEGIN; INSERT INTO t VALUES (1); COMMIT;", .sqlite)
        #expect(queries.map(\.sql) == ["BEGIN", "INSERT INTO t VALUES (1)", "COMMIT"])
    }

    @Test func postgresBeginAtomicFunctionIsOneStatement() throws {
        let text = """
            CREATE FUNCTION add_one(i int) RETURNS int
            LANGUAGE sql
            BEGIN ATOMIC
              SELECT i + 1;
              SELECT i + 2;
            END;
            SELECT 3;
            """
        let queries = try split(text, .postgres)
        #expect(queries.map(\.sql) == [
            "CREATE FUNCTION add_one(i int) RETURNS int\nLANGUAGE sql\nBEGIN ATOMIC\n  SELECT i + 1;\n  SELECT i + 2;\nEND",
            "SELECT 3",
        ])
    }

    @Test func postgresCaseEndInsideBeginAtomicDoesNotCloseTheBody() throws {
        let text = "CREATE PROCEDURE p(i int) BEGIN ATOMIC INSERT INTO t VALUES (CASE WHEN i > 0 THEN 1 ELSE 0 END); INSERT INTO t VALUES (2); END; CALL p(1);"
        let queries = try split(text, .postgres)
        #expect(queries.map(\.sql) == [
            "CREATE PROCEDURE p(i int) BEGIN ATOMIC INSERT INTO t VALUES (CASE WHEN i > 0 THEN 1 ELSE 0 END); INSERT INTO t VALUES (2); END",
            "CALL p(1)",
        ])
    }

    @Test func postgresTransactionBeginIsNotABody() throws {
        let queries = try split("BEGIN; SELECT 1; COMMIT;", .postgres)
        #expect(queries.map(\.sql) == ["BEGIN", "SELECT 1", "COMMIT"])
    }

    // MARK: Names

    @Test func nameCommentNamesTheNextStatementAndOthersAreNamedByPosition() throws {
        let text = """
            -- name: totals
            SELECT 1;
            SELECT 2;
            -- name: last_one
            SELECT 3;
            """
        let queries = try split(text, .sqlite)
        #expect(queries.map(\.name) == ["totals", "q2", "last_one"])
        #expect(queries.map(\.sql) == ["SELECT 1", "SELECT 2", "SELECT 3"])
    }

    @Test func nameCommentInsideAStatementDoesNotRenameIt() throws {
        let text = "SELECT 1,\n-- name: inner\n  2;\nSELECT 3;"
        let queries = try split(text, .postgres)
        #expect(queries.map(\.name) == ["q1", "q2"])
        #expect(queries.first?.sql == "SELECT 1,\n-- name: inner\n  2")
    }

    @Test func nameCommentWithCRLFLineEndingsHasNoCarriageReturn() throws {
        let queries = try split("-- name: first\r\nSELECT 1;\r\nSELECT 2;\r\n", .sqlite)
        #expect(queries.map(\.name) == ["first", "q2"])
        #expect(queries.map(\.sql) == ["SELECT 1", "SELECT 2"])
    }

    @Test func ordinaryAndEmptyNameCommentsKeepDefaultNames() throws {
        let queries = try split("-- names are nice\nSELECT 1;\n-- name:\nSELECT 2;", .sqlite)
        #expect(queries.map(\.name) == ["q1", "q2"])
    }

    // MARK: Empty statements and tails

    @Test(arguments: bothDialects)
    func emptyStatementsAreIgnored(dialect: SQLDialect) throws {
        let queries = try split("SELECT 1;;\n ; ;\nSELECT 2;", dialect)
        #expect(queries.map(\.sql) == ["SELECT 1", "SELECT 2"])
        #expect(queries.map(\.index) == [0, 1])
        #expect(queries.map(\.name) == ["q1", "q2"])
    }

    @Test(arguments: bothDialects)
    func commentOnlyTailIsNotAStatement(dialect: SQLDialect) throws {
        let queries = try split("SELECT 1;\n-- the end\n/* really ; the end */\n-- name: dangling\n", dialect)
        #expect(queries.map(\.sql) == ["SELECT 1"])
    }

    @Test(arguments: ["", "   \n\t\n", "-- only a comment", "/* x */ ;", ";;"])
    func scriptsWithoutStatementsSplitToNothing(text: String) throws {
        #expect(try split(text, .sqlite).isEmpty)
        #expect(try split(text, .postgres).isEmpty)
    }

    @Test(arguments: bothDialects)
    func lastStatementWithoutSemicolonCounts(dialect: SQLDialect) throws {
        let queries = try split("SELECT 1;\nSELECT 2 -- no semicolon\n", dialect)
        #expect(queries.map(\.sql) == ["SELECT 1", "SELECT 2"])
    }

    @Test func statementSQLExcludesTerminatorAndSurroundingSpaceAndComments() throws {
        let queries = try split("  /* lead */ SELECT 1 ;  \n-- name: x\n\tSELECT 2 -- trailing\n;", .sqlite)
        #expect(queries.map(\.sql) == ["SELECT 1", "SELECT 2"])
        #expect(queries.allSatisfy { !$0.sql.contains(";") })
    }

    // MARK: Positions and numbering

    @Test func statementsRecordStartLineAndColumnAndFile() throws {
        let queries = try split("SELECT 1; SELECT 2;\n\n    SELECT 3;\n\tSELECT 4;", .sqlite)
        #expect(queries.map(\.line) == [1, 1, 3, 4])
        #expect(queries.map(\.column) == [1, 11, 5, 2])
        #expect(queries.allSatisfy { $0.file == "test.sql" })
    }

    @Test func startPositionSkipsLeadingComments() throws {
        let queries = try split("-- header\n/* block\n comment */ SELECT 1;", .postgres)
        #expect(queries.count == 1)
        #expect(queries.first?.line == 3)
        #expect(queries.first?.column == 13)
    }

    @Test func firstIndexNumbersStatementsAndDefaultNames() throws {
        let queries = try split("SELECT 1; SELECT 2;", .sqlite, firstIndex: 3)
        #expect(queries.map(\.index) == [3, 4])
        #expect(queries.map(\.name) == ["q4", "q5"])
    }

    @Test func multiByteCharactersBeforeAStatementCountAsOneColumnEach() throws {
        let queries = try split("SELECT '\u{E9}'; SELECT 2;\n/* \u{FC}\u{1F600} */ SELECT 3;", .sqlite)
        #expect(queries.map(\.sql) == ["SELECT '\u{E9}'", "SELECT 2", "SELECT 3"])
        #expect(queries.map(\.column) == [1, 13, 10])
        #expect(queries.map(\.line) == [1, 1, 2])
    }

    /// Statement columns are counted on from the previous statement, not from the line start:
    /// a minified one-line script of many statements splits in linear time.
    @Test(.timeLimit(.minutes(1)))
    func manyStatementsOnOneLineSplitInLinearTime() throws {
        let count = 200_000
        let clock = ContinuousClock()
        let started = clock.now
        let queries = try split(String(repeating: "SELECT 1;", count: count), .sqlite)
        let elapsed = clock.now - started
        #expect(queries.count == count)
        #expect(queries.allSatisfy { $0.line == 1 })
        #expect(queries.enumerated().allSatisfy { i, query in query.column == 9 * i + 1 })
        #expect(elapsed < .seconds(20), "splitting took \(elapsed)")
    }

    // MARK: Unterminated tokens

    @Test(arguments: bothDialects)
    func unterminatedStringLiteralThrowsWithItsStartLine(dialect: SQLDialect) throws {
        let error = try #require(splitError("SELECT 1;\nSELECT 'abc;\nSELECT 2;\n", dialect))
        #expect(error.file == "test.sql")
        #expect(error.line == 2)
        #expect(error.message == "unterminated string literal")
        #expect(error.description == "test.sql:2: unterminated string literal")
    }

    @Test(arguments: bothDialects)
    func unterminatedDoubleQuotedIdentifierThrowsWithItsStartLine(dialect: SQLDialect) throws {
        let error = try #require(splitError("SELECT 1;\n\nSELECT \"abc;\nFROM t;", dialect))
        #expect(error.line == 3)
        #expect(error.message == "unterminated quoted identifier")
    }

    @Test func sqliteUnterminatedBacktickAndBracketIdentifiersThrow() throws {
        let backtick = try #require(splitError("SELECT `abc;", .sqlite))
        #expect(backtick.line == 1)
        #expect(backtick.message == "unterminated quoted identifier")
        let bracket = try #require(splitError("SELECT 1;\nSELECT [abc;\n", .sqlite))
        #expect(bracket.line == 2)
        #expect(bracket.message == "unterminated quoted identifier")
    }

    @Test(arguments: bothDialects)
    func unterminatedBlockCommentThrowsWithItsStartLine(dialect: SQLDialect) throws {
        let error = try #require(splitError("SELECT 1;\n/* open\n\nSELECT 2;", dialect))
        #expect(error.line == 2)
        #expect(error.message == "unterminated comment")
    }

    @Test func postgresUnclosedNestedCommentThrowsWhereSQLiteAcceptsIt() throws {
        let text = "SELECT 1;\nSELECT 2 /* a /* b */;\n"
        let error = try #require(splitError(text, .postgres))
        #expect(error.line == 2)
        #expect(error.message == "unterminated comment")
        #expect(try split(text, .sqlite).map(\.sql) == ["SELECT 1", "SELECT 2"])
    }

    @Test func postgresUnterminatedDollarQuoteThrowsWithItsStartLine() throws {
        let error = try #require(splitError("SELECT 1;\nSELECT $fn$ body;\nSELECT 2;", .postgres))
        #expect(error.line == 2)
        #expect(error.message == "unterminated dollar-quoted string $fn$")
    }

    @Test func postgresEscapeStringEndingInEscapedQuoteIsUnterminated() throws {
        let error = try #require(splitError("SELECT 1;\nSELECT E'abc\\';\nSELECT 2;", .postgres))
        #expect(error.line == 2)
        #expect(error.message == "unterminated string literal")
    }

    @Test func sqliteTriggerWithoutEndThrows() throws {
        let error = try #require(splitError("SELECT 1;\nCREATE TRIGGER t AFTER INSERT ON a BEGIN\n  SELECT 1;\n", .sqlite))
        #expect(error.line == 2)
        #expect(error.message.hasPrefix("unterminated trigger body"))
    }

    @Test func postgresBeginAtomicWithoutEndThrows() throws {
        let error = try #require(splitError("SELECT 1;\nCREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\n", .postgres))
        #expect(error.line == 2)
        #expect(error.message.hasPrefix("unterminated BEGIN ATOMIC body"))
    }

    // MARK: Query locations and batches

    @Test func locationOfByteOffsetMapsToFileLineAndColumn() {
        let query = Query("SELECT\n  x FROM t", line: 3, column: 5)
        #expect(lineAndColumn(query, 0) == [3, 5])
        #expect(lineAndColumn(query, 3) == [3, 8])
        #expect(lineAndColumn(query, 6) == [3, 11])
        #expect(lineAndColumn(query, 7) == [4, 1])
        #expect(lineAndColumn(query, 9) == [4, 3])
    }

    @Test func locationOfByteOffsetCountsCharactersNotBytes() {
        let query = Query("SELECT '\u{E9}', x", line: 1, column: 1)
        // "SELECT '" is 8 bytes, é is 2 bytes, then "', " and x at byte 13.
        #expect(lineAndColumn(query, 13) == [1, 13])
    }

    @Test func splitQueriesLocateOffsetsInTheirFile() throws {
        let queries = try split("SELECT 1; SELECT a,\n  bad FROM t;", .sqlite)
        let second = try #require(queries.last)
        #expect([second.line, second.column] == [1, 11])
        let offset = try #require(Array(second.sql.utf8).firstIndex(of: UInt8(ascii: "b")))
        #expect(lineAndColumn(second, offset) == [2, 3])
    }

    @Test func batchRenumbersQueriesAndTheirPositionalNames() {
        let batch = Batch([Query("SELECT 1", index: 7), Query("SELECT 2", name: "two", index: 9), Query("SELECT 3", index: 0)])
        #expect(batch.count == 3)
        #expect(batch.queries.map(\.index) == [0, 1, 2])
        #expect(batch.queries.map(\.name) == ["q1", "two", "q3"])
        let inline = Batch(sql: ["SELECT 1", "SELECT 2"])
        #expect(inline.queries.map(\.name) == ["q1", "q2"])
        #expect(inline.queries.allSatisfy { $0.file == "<inline>" && $0.line == 1 && $0.column == 1 })
    }

    @Test func scriptErrorDescriptionOmitsLineZero() {
        #expect(ScriptError(file: "a.sql", line: 3, message: "boom").description == "a.sql:3: boom")
        #expect(ScriptError(file: "a.sql", line: 0, message: "boom").description == "a.sql: boom")
    }
}
