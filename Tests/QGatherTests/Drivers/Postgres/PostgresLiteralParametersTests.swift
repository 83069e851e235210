@testable import QGather
import Testing

/// Which integer literals become parameters, and how the text is rewritten (no server needed;
/// `PostgresPipelineTests` runs rewritten queries on one).
@Suite struct PostgresLiteralParametersTests {
    private func rewrite(_ sql: String) -> PostgresLiteralParameters.Rewritten? {
        PostgresLiteralParameters.rewrite(sql)
    }

    @Test func aPointSelectsIdBecomesAPaddedParameter() throws {
        let rewritten = try #require(rewrite("SELECT abalance FROM pgbench_accounts WHERE aid = 12345"))
        #expect(rewritten.sql == "SELECT abalance FROM pgbench_accounts WHERE aid = $1   ")
        #expect(rewritten.values == ["12345"])
    }

    @Test(arguments: [
        "select v from t where a = 10 and b <> 20 and c != 30 and d < 40 and e > 50 and f <= 60 and g >= 70",
        "WITH x AS (SELECT * FROM t WHERE id=42) SELECT * FROM x",
        "SELECT * FROM t WHERE id =\n  42 ORDER BY id",
        "SELECT * FROM t WHERE id = /* the id */ 42",
        "  -- a comment first\nSELECT * FROM t WHERE \"Id\" = 42 ORDER BY x",
        "SELECT * FROM t WHERE id = 42; ",
        "SELECT * FROM t WHERE id IN (SELECT id FROM u WHERE k = 42)",
        "SELECT * FROM t WHERE " + (0..<100).map { "c = \(1000 + $0)" }.joined(separator: " OR "),
    ])
    func everyComparisonLiteralIsTakenAndTheTextKeepsItsLength(sql: String) throws {
        let rewritten = try #require(rewrite(sql))
        #expect(rewritten.sql.utf8.count == sql.utf8.count)
        #expect(!rewritten.values.isEmpty)
        #expect(rewritten.values.allSatisfy { Int32($0) != nil })
        // Putting the values back in place of the placeholders gives the original text.
        var restored = rewritten.sql
        for (n, value) in rewritten.values.enumerated().reversed() {
            let placeholder = "$\(n + 1)"
            restored = restored.replacingOccurrences(of: placeholder + String(repeating: " ", count: value.count - placeholder.count), with: value)
        }
        #expect(restored == sql)
    }

    @Test func theSameLiteralIsTheSameParameter() throws {
        let rewritten = try #require(rewrite("SELECT x = 10 AS a, y = 10 AS b FROM t WHERE (y > 25)"))
        #expect(rewritten.sql == "SELECT x = $1 AS a, y = $1 AS b FROM t WHERE (y > $2)")
        #expect(rewritten.values == ["10", "25"])
    }

    @Test func aTenthParameterNeedsALiteralOfThreeDigits() throws {
        let comparisons = (1...9).map { "c\($0) = \($0 * 11)" } + ["c10 = 99", "c11 = 123"]
        let rewritten = try #require(rewrite("SELECT a FROM t WHERE " + comparisons.joined(separator: " AND ")))
        #expect(rewritten.values == ["11", "22", "33", "44", "55", "66", "77", "88", "99", "123"])
        #expect(rewritten.sql.hasSuffix("c9 = $9 AND c10 = $9 AND c11 = $10"))
    }

    @Test(arguments: [
        "SELECT * FROM t WHERE s = '= 12345'",                  // in a string
        "SELECT * FROM t WHERE s = E'\\' = 12345'",             // in an escape string
        "SELECT * FROM t WHERE \"a = 12345\" = 'x'",            // in a quoted name
        "SELECT * FROM t WHERE s = $$ = 12345 $$",              // in a dollar quote
        "SELECT * FROM t WHERE s = $body$ x = 12345 $body$",    // in a tagged dollar quote
        "SELECT * FROM t -- x = 12345\nWHERE true",             // in a comment
        "SELECT * FROM t /* x = 12345 /* nested */ y = 67890 */ WHERE true",
        "SELECT * FROM t WHERE a + 12345 > b",                  // not after a comparison
        "SELECT * FROM t WHERE p <-> 12345 > 0",
        "SELECT * FROM t WHERE a =- 12345",                      // the operator is =-, not =
        "SELECT * FROM t WHERE a = -12345",                      // negative: -12345 is its own constant
        "SELECT * FROM t WHERE a = 12.50",                       // numeric
        "SELECT * FROM t WHERE a = 12e3",
        "SELECT * FROM t WHERE a = 12345abc",                    // trailing word
        "SELECT * FROM t WHERE a = 00042",                       // leading zeros
        "SELECT * FROM t WHERE a = 2147483648",                  // int8, not int4
        "SELECT * FROM t WHERE a = 5",                           // shorter than $1
        "SELECT * FROM t WHERE a = (12345)",
        "SELECT * FROM t LIMIT 100 OFFSET 200",
        "SELECT * FROM t WHERE a = $1 AND b = 12345",            // parameters of its own
        "EXPLAIN SELECT * FROM t WHERE a = 12345",               // the plan would show $1
        "SHOW work_mem",
        "UPDATE t SET a = 12345",
        "SELECT * FROM t WHERE s = 'unterminated = 12345",
        // Found in review: each changed an error, a result or a match as the literal text has it.
        "SELECT x = 10, count(*) FROM t GROUP BY x = (10)",     // GROUP BY must match the select list
        "SELECT x = 10, count(*) FROM t GROUP BY x = '10'",
        "SELECT DISTINCT x = 10 FROM t ORDER BY x = 010",
        "SELECT 1 = 10[1]",                                      // subscript, field, cast, operator after it
        "SELECT 1 = 10 [1]",
        "SELECT 1 = 10 .foo",
        "SELECT x FROM e WHERE x = 99999::int2",                 // folded (and failing) while planning
        "SELECT x FROM e WHERE x = 2147483647 + 1",
        "SELECT x FROM e WHERE x = 10 ^ 2",
        "SELECT * FROM t ORDER BY x USING < 10",                 // a sort operator, not a comparison
        "SELECT make_interval(days := 10)",                       // a named argument
        "SELECT E'a'\n'\\' = 10 --' AS s",                     // an escape string's continuation
        "SELECT '\\' = 10 ' AS s --'",                          // standard_conforming_strings = off
        "SELECT 1 AS a --\r, ' \n = 10 /*' AS s --*/",          // a comment ends at CR too
        "SELECT 1 WHERE 5 = 10$$ = 12 $$ --$$",                   // a dollar quote right after a number
        "SELECT c FROM t WHERE " + (0..<101).map { "c = \(1000 + $0)" }.joined(separator: " OR "),  // too many
        // Second review: a comparison of constants folds while planning, and a generic plan
        // would fold what it guards instead; a date/time string is read once, when parsed.
        "SELECT x FROM t WHERE 10 = 20 AND 1/0 = 1",
        "SELECT CASE WHEN 10 = 10 THEN 'ok' ELSE (1/0)::text END AS c",
        "SELECT x FROM e WHERE x = 2147483647 OPERATOR(pg_catalog.+) 1",
        "SELECT x FROM e WHERE x = 12345 OPERATOR(pg_catalog.+) y",
        "SELECT 'now'::timestamptz AS t FROM u WHERE id = 10",
        "SELECT x FROM t WHERE id = 10 LIMIT 50",                 // any other constant: left alone
        "SELECT x FROM t WHERE f(x) = 10",                        // not a column on the left
        "SELECT x FROM t WHERE NULL = 10",
        "SELECT x FROM t WHERE CURRENT_DATE = 10",
        "SELECT x FROM t WHERE id = 12345 AND k = 5",             // 5 would stay a constant
        // Rows that depend on the plan beyond their order (a generic plan may scan otherwise).
        "SELECT unique1 FROM tenk1 WHERE unique1 > 8687 FETCH FIRST ROW ONLY",
        "SELECT x FROM t WHERE id > 12345 LIMIT ALL OFFSET x",
        "SELECT DISTINCT ON (k) k, v FROM t WHERE id > 12345",
        "SELECT x FROM t TABLESAMPLE SYSTEM (k) WHERE id > 12345",
        "SELECT row_number() OVER () AS n FROM t WHERE id > 12345",
        "SELECT sum(x) OVER w FROM t WHERE id > 12345 WINDOW w AS (ORDER BY x)",
        "SELECT array_agg(x) FROM t WHERE id > 12345",
        "SELECT string_agg(x, y) FROM t WHERE id > 12345",
        "SELECT json_agg(t) FROM t WHERE id > 12345",
        "SELECT XMLAGG(x) FROM t WHERE id > 12345",
        "SELECT ARRAY(SELECT unique1 FROM tenk1 WHERE unique1 > 9990)",
        "SELECT JSON_ARRAY(SELECT x FROM t WHERE id > 12345)",
        "SELECT \"array_agg\"(x) FROM t WHERE id > 12345",
    ])
    func nothingElseIsTaken(sql: String) {
        #expect(rewrite(sql) == nil, "\(sql)")
    }

    /// Random WHERE clauses built from parts whose fate is known: the rewrite must take exactly
    /// what a model says (a column compared with an int4 literal standing alone, and then only if
    /// no other constant is left in the text), number the parameters as the model does, and
    /// leave every other byte where it was.
    @Test func randomClausesAreRewrittenExactlyAsTheModelSays() {
        enum Operand { case column(String), constant(String) }
        let operands: [Operand] = [.column("a"), .column("t.col1"), .column("\"Mixed Case\""), .column("x$y"), .column("x::int"),
                                   .constant("NULL"), .constant("current_date"), .constant("f(x)"), .constant("arr[1]"),
                                   .constant("7"), .constant("'s'")]
        let operators = ["=", "<>", "!=", "<", ">", "<=", ">=", "+", "<->", "=-", ":=", "@>"]
        enum Value { case integer(String), constant(String) }
        let values: [Value] = [.constant("'= 123'"), .constant("12.5"), .constant("1e5"), .constant("$$ < 456 $$"), .constant("-5"),
                               .integer("10"), .integer("123"), .integer("4567"), .integer("89012"), .integer("2147483647"),
                               .integer("2147483648"), .integer("007"), .integer("5")]
        enum Tail { case alone(String), combining(String) }
        let tails: [Tail] = [.alone(""), .alone(" "), .alone(")"), .alone(" /* c */"), .combining("::int8"), .combining(" [1]"),
                             .combining(" + y"), .combining(" OPERATOR(pg_catalog.+) y"), .combining(".f")]
        let connectors = [" AND ", " OR ", "\n  AND ", " -- c\n AND "]
        var random = SplitMix64(seed: 0x5EC0_4D)
        var taken = 0
        for _ in 0..<20_000 {
            var sql = "SELECT c FROM t WHERE "
            var expectedSQL = sql
            var expectedValues: [String] = []
            var leftAlone = false  // the model's verdict: nothing is rewritten
            for clause in 0..<Int.random(in: 1...3, using: &random) {
                if clause > 0 {
                    let connector = connectors.randomElement(using: &random)!
                    sql += connector
                    expectedSQL += connector
                }
                // Mostly the parts that are taken, so that many statements are rewritten at all.
                let likely = Int.random(in: 0..<4, using: &random) != 0
                let operand = likely ? operands[Int.random(in: 0..<5, using: &random)] : operands.randomElement(using: &random)!
                let op = likely ? operators[Int.random(in: 0..<7, using: &random)] : operators.randomElement(using: &random)!
                let value = likely ? values[Int.random(in: 5..<10, using: &random)] : values.randomElement(using: &random)!
                let tail = likely ? tails[Int.random(in: 0..<4, using: &random)] : tails.randomElement(using: &random)!
                let operandText: String
                let isColumn: Bool
                switch operand {
                case .column(let text): (operandText, isColumn) = (text, true)
                case .constant(let text):
                    (operandText, isColumn) = (text, false)
                    if text == "7" || text == "'s'" { leftAlone = true }
                }
                let tailText: String
                let tailAlone: Bool
                switch tail {
                case .alone(let text): (tailText, tailAlone) = (text, true)
                case .combining(let text): (tailText, tailAlone) = (text, false)
                }
                let prefix = operandText + " " + op + " "
                sql += prefix
                expectedSQL += prefix
                switch value {
                case .constant(let text):
                    sql += text
                    expectedSQL += text
                    leftAlone = true
                case .integer(let digits):
                    sql += digits
                    let int4 = digits.count == 1 || !digits.hasPrefix("0") ? Int64(digits)! <= Int64(Int32.max) : false
                    let number = (expectedValues.firstIndex(of: digits) ?? expectedValues.count) + 1
                    let placeholder = "$\(number)"
                    let comparison = ["=", "<>", "!=", "<", ">", "<=", ">="].contains(op)
                    if isColumn && comparison && int4 && tailAlone && placeholder.count <= digits.count {
                        if number > expectedValues.count { expectedValues.append(digits) }
                        expectedSQL += placeholder + String(repeating: " ", count: digits.count - placeholder.count)
                    } else {
                        leftAlone = true
                        expectedSQL += digits
                    }
                }
                sql += tailText
                expectedSQL += tailText
            }
            let rewritten = PostgresLiteralParameters.rewrite(sql)
            if leftAlone || expectedValues.isEmpty {
                if let rewritten { Issue.record("rewrote \(sql) as \(rewritten.sql)"); return }
            } else {
                guard let rewritten, rewritten.sql == expectedSQL, rewritten.values == expectedValues else {
                    Issue.record("\(sql)\n got: \(String(describing: rewritten))\n want: \(expectedSQL) \(expectedValues)")
                    return
                }
                taken += 1
            }
        }
        #expect(taken > 1_000)
    }

    @Test(arguments: [
        ("SELECT 'now'::timestamptz", true), ("SELECT 'TODAY'::date", true), ("SELECT x FROM t WHERE d < 'tomorrow'", true),
        ("select 'Yesterday'::date", true), ("SELECT now()", true), ("SELECT known FROM t", true),
        ("SELECT abalance FROM pgbench_accounts WHERE aid = $1", false), ("SELECT 'no w'", false),
    ])
    func textsThatMayMeanTheCurrentTimeAreNotPrepared(sql: String, mentions: Bool) {
        #expect(PostgresStatementCache.mentionsRelativeTime(sql) == mentions)
        let cache = PostgresStatementCache()
        _ = cache.plan(for: sql)
        #expect((cache.plan(for: sql) == .unnamed) == mentions)
    }
}
