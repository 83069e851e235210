@testable import QGather
import Testing

/// Statement classification: the byte-level fast path agrees with the lexer wherever it answers.
@Suite struct StatementKindTests {
    @Test(arguments: [
        ("SELECT 1", true), ("select a, b from t where x = 1 order by a", true), ("WITH x AS (SELECT 1) SELECT * FROM x", true),
        ("WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x", false), ("INSERT INTO t VALUES (1)", false),
        ("SELECT * INTO t2 FROM t", false), ("EXPLAIN SELECT 1", true), ("EXPLAIN ANALYZE SELECT 1", false),
        ("VALUES (1), (2)", true), ("TABLE t", true), ("SHOW work_mem", true), ("UPDATE t SET a = 1", false),
        ("SELECT * FROM t FOR UPDATE", false), ("CREATE TABLE t (a int)", false),
    ])
    func plainStatementsAreClassifiedLikeTheLexerDoes(_ sql: String, _ readOnly: Bool) throws {
        let plain = try #require(StatementKind.plainWords(of: sql))
        #expect(plain == StatementKind.words(of: sql, dialect: .postgres))
        #expect(StatementKind.isReadOnly(sql, dialect: .postgres) == readOnly)
        #expect(StatementKind.isSingleRead(sql, dialect: .postgres) == readOnly)
    }

    @Test(arguments: ["SELECT 'a'", "-- c\nSELECT 1", "SELECT 1; DELETE FROM t", "SELECT $$x$$", "SELECT \"Col\" FROM t",
                      "SELECT a/2 FROM t", "SELECT [a] FROM t", "SELECT é FROM t", "SELECT -1"])
    func anythingTheLexerMustReadIsLeftToIt(_ sql: String) {
        #expect(StatementKind.plainWords(of: sql) == nil)
    }

    @Test func theFastPathAgreesWithTheLexerOnGeneratedStatements() {
        var random = SplitMix64(seed: 0x57A7_E3E7)
        let vocabulary = ["SELECT", "select", "FROM", "where", "WITH", "x1", "t_2", "abalance", "INSERT", "into", "update", "DELETE",
                          "values", "TABLE", "explain", "analyze", "show", "1", "42", "3.5", "1e5", "=", ",", "(", ")", "*", ".", "<", ">",
                          "::", ":p", "Create", "drop", "alter", "merge", "copy"]
        let separators = [" ", "  ", "\n", "\t", ""]
        var answered = 0
        for _ in 0..<20_000 {
            let sql = (0..<random.int(1...12)).map { _ in random.pick(vocabulary) + random.pick(separators) }.joined()
            guard let plain = StatementKind.plainWords(of: sql) else { continue }
            answered += 1
            let lexed = StatementKind.words(of: sql, dialect: .postgres)
            #expect(plain == lexed, "\(sql)")
            #expect(StatementKind.leadingWords(of: sql, dialect: .postgres) == Array(lexed.prefix(2)), "\(sql)")
        }
        #expect(answered > 15_000)
    }

    @Test func theInPlaceClassifiersOfAQueryAgreeWithThoseOfItsText() {
        var random = SplitMix64(seed: 0x1D_B17E5)
        let vocabulary = ["SELECT", "select", "FROM", "where", "WITH", "x1", "t_2", "INSERT", "into", "update", "DELETE", "values", "TABLE",
                          "explain", "analyze", "show", "1", "3.5", "1e5", "=", ",", "(", ")", "*", "::", ":p", "Create", "copy", "SET",
                          "begin", "start", "transaction", "Pragma", "commit", "reset", "attach", "'s'", "-- c\n", "é", ";", "U&'x'", "E'y'", "&"]
        let separators = [" ", "\n", "\t", ""]
        for _ in 0..<20_000 {
            let sql = (0..<random.int(1...10)).map { _ in random.pick(vocabulary) + random.pick(separators) }.joined()
            // As a split statement holds it: a slice of a script's bytes, with text around it.
            let script = Array(("SELECT 0;" + sql + ";SELECT 2").utf8)
            let query = Query(bytes: script, range: 9..<(9 + sql.utf8.count), name: "q1", index: 0, file: "f.sql", line: 1, column: 10)
            #expect(query.sql == sql)
            #expect(StatementKind.isSingleRead(query, dialect: .postgres) == StatementKind.isSingleRead(sql, dialect: .postgres), "\(sql)")
            for dialect in [SQLDialect.sqlite, .postgres] {
                #expect(StatementKind.sessionStatement(query, dialect: dialect) == StatementKind.sessionStatement(sql, dialect: dialect), "\(sql)")
            }
            var text = sql
            let inPlace = text.withUTF8 { StatementKind.plainIsReadOnly($0) }
            #expect(inPlace == StatementKind.plainWords(of: sql).map { StatementKind.isReadOnly($0.joined(separator: " "), dialect: .postgres) }, "\(sql)")
        }
    }
}
