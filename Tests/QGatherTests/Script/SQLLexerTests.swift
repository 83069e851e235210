@testable import QGather
import Testing

/// The tokens of `sql` as `kind:text` strings.
private func tokens(_ sql: String, _ dialect: SQLDialect) throws -> [String] {
    var lexer = SQLLexer(bytes: Array(sql.utf8), dialect: dialect, file: "t.sql")
    var out: [String] = []
    while let token = try lexer.next() {
        out.append("\(token.kind):\(String(decoding: lexer.bytes[token.range], as: UTF8.self))")
    }
    return out
}

/// The one lexer that splitting, classification, placeholders and the literal rewrite share.
@Suite struct SQLLexerTests {
    @Test func postgresTokensOfEveryKind() throws {
        let sql = #"SELECT "a""b", E'x\'y', $f$ ; $f$, $1, 12.5e-3, x::int, :p, a[1:n] -- c"# + "\n/* /* n */ */ <> 'q'"
        #expect(try tokens(sql, .postgres) == [
            "word:SELECT", #"quotedIdentifier:"a""b""#, "punctuation:,", #"escapeString:E'x\'y'"#, "punctuation:,",
            "dollarString:$f$ ; $f$", "punctuation:,", "positionalParameter:$1", "punctuation:,", "number:12.5e-3", "punctuation:,",
            "word:x", "cast:::", "word:int", "punctuation:,", "placeholder::p", "punctuation:,", "word:a", "punctuation:[", "number:1",
            "punctuation::", "word:n", "punctuation:]", "lineComment:-- c", "blockComment:/* /* n */ */", "operator:<>", "string:'q'",
        ])
    }

    @Test func sqliteQuotesNamesWithBackticksAndBracketsAndDoesNotNestComments() throws {
        #expect(try tokens("SELECT `a b`, [c;d] /* /* */ x", .sqlite) == [
            "word:SELECT", "quotedIdentifier:`a b`", "punctuation:,", "quotedIdentifier:[c;d]", "blockComment:/* /* */", "word:x",
        ])
    }

    @Test func sqliteBacktickRightAfterAnOperatorStillQuotesAName() throws {
        #expect(try tokens("a=`b`||`c d`", .sqlite) == ["word:a", "operator:=", "quotedIdentifier:`b`", "operator:||", "quotedIdentifier:`c d`"])
        let queries = try ScriptSplitter(dialect: .sqlite).split("SELECT * FROM t WHERE a=`b`; SELECT `first`||' '||`last` FROM p;")
        #expect(queries.map(\.sql) == ["SELECT * FROM t WHERE a=`b`", "SELECT `first`||' '||`last` FROM p"])
        #expect(!StatementKind.isReadOnly("WITH s AS (SELECT * FROM src WHERE k=`k`) INSERT INTO dst SELECT `k` FROM s", dialect: .sqlite))
    }

    @Test func aTextThatDoesNotLexIsNeverReadOnly() {
        #expect(!StatementKind.isReadOnly("SELECT 'x FROM t; INSERT INTO u VALUES (1)", dialect: .postgres))
        #expect(!StatementKind.isReadOnly("SELECT `x FROM t", dialect: .sqlite))
    }

    @Test func aNameEndsAtAnyWhiteSpaceAndNeedsItsColon() throws {
        #expect(try ScriptSplitter(dialect: .sqlite).split("-- name: daily\u{00A0}report\nSELECT 1;").map(\.name) == ["daily"])
        #expect(try ScriptSplitter(dialect: .sqlite).split("--name\u{1A}foo\nSELECT 1;").map(\.name) == ["q1"])
    }

    @Test func numbersEndWhereLettersBeginAsInPostgres() throws {
        #expect(try tokens("1INTO 12abc 0x1F .5 1e 2E+7", .postgres) == [
            "number:1", "word:INTO", "number:12", "word:abc", "number:0", "word:x1F", "number:.5", "number:1", "word:e", "number:2E+7",
        ])
    }

    @Test func anOperatorNeverSwallowsACommentStart() throws {
        #expect(try tokens("a=--c\n1 <>/*c*/2", .postgres) == ["word:a", "operator:=", "lineComment:--c", "number:1", "operator:<>",
                                                               "blockComment:/*c*/", "number:2"])
    }

    @Test func postgresEndsALineCommentAtACarriageReturnAsPsqlDoes() throws {
        let postgres = try ScriptSplitter(dialect: .postgres).split("SELECT 1 -- c\r; SELECT 2;").map(\.sql)
        #expect(postgres == ["SELECT 1", "SELECT 2"])
        let sqlite = try ScriptSplitter(dialect: .sqlite).split("SELECT 1 -- c\r; SELECT 2;\nSELECT 3;").map(\.sql)
        #expect(sqlite == ["SELECT 1 -- c\r; SELECT 2;\nSELECT 3"])  // SQLite's comment runs to the newline
    }

    @Test func unterminatedTokensNameTheirLine() {
        #expect(throws: ScriptError(file: "t.sql", line: 2, message: "unterminated string literal")) {
            _ = try tokens("SELECT 1;\nSELECT 'x", .postgres)
        }
        #expect(throws: ScriptError(file: "t.sql", line: 1, message: "unterminated dollar-quoted string $q$")) {
            _ = try tokens("SELECT $q$ x", .postgres)
        }
    }

    /// Every user of the lexer on the same generated statements: the splitter's statements come
    /// back whole from the literal rewrite (same length, values restored), and classification
    /// reads the same words as the statement scanner.
    @Test func theRewriteAndClassificationAgreeWithTheSplitterOnGeneratedScripts() throws {
        var rewritten = 0
        for seed in 0..<3_000 as Range<UInt64> {
            var generator = ScriptGenerator(dialect: .postgres, seed: seed)
            let text = "SELECT v FROM t WHERE id = \(10_000 + seed) -- a lookup\n;" + generator.script().text
            for query in try ScriptSplitter(dialect: .postgres).split(text) {
                if let rewrite = PostgresLiteralParameters.rewrite(query.sql) {
                    #expect(rewrite.sql.utf8.count == query.sql.utf8.count, "\(query.sql)")
                    rewritten += 1
                }
                if let plain = StatementKind.plainWords(of: query.sql) {
                    #expect(plain == StatementKind.words(of: query.sql, dialect: .postgres), "\(query.sql)")
                }
            }
        }
        #expect(rewritten > 0)
    }
}
