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
        "SELECT * FROM t WHERE id =\n  42 ORDER BY 1",
        "SELECT * FROM t WHERE id = /* the id */ 42",
        "  -- a comment first\nSELECT * FROM t WHERE id = 42 ORDER BY 1",
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
        let rewritten = try #require(rewrite("SELECT 1 FROM t WHERE " + comparisons.joined(separator: " AND ")))
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
        "SELECT 1 FROM t WHERE " + (0..<101).map { "c = \(1000 + $0)" }.joined(separator: " OR "),  // too many
    ])
    func nothingElseIsTaken(sql: String) {
        #expect(rewrite(sql) == nil, "\(sql)")
    }

    /// Random statements built from tokens whose fate is known: the rewrite must take exactly the
    /// literals a model says (int4 literals right after a comparison), number them as the model
    /// does, and leave every other byte where it was.
    @Test func randomTokenSoupIsRewrittenExactlyAsTheModelSays() {
        enum Token: Equatable {
            case comparison(String), other(String), integer(String)
        }
        let comparisons = ["=", "<>", "!=", "<", ">", "<=", ">="]
        let others = ["+", "-", "*", "/", "<->", "||", "~", "@>", "=-", "(", ")", ",", "::", "[", "]", "AND", "OR", "a", "col1",
                      "x$y", "12.5", "1e5", ".5", "12.", "'= 123'", "E'it''s = 123'", "$$ = 123 $$", "$t$ < 456 $t$",
                      "\"a = 789\"", "U&'= 321'", "int4 '55'", "-5"]
        let gaps = [" ", "  ", "\n", " /* = 99 */ ", "\n-- = 98\n", "\t"]
        var random = SplitMix64(seed: 0x11_7E_2A)
        var taken = 0
        for _ in 0..<20_000 {
            var tokens: [Token] = []
            for _ in 0..<Int.random(in: 1...14, using: &random) {
                switch Int.random(in: 0..<10, using: &random) {
                case 0..<3: tokens.append(.comparison(comparisons.randomElement(using: &random)!))
                case 3..<6:
                    var digits = String(Int.random(in: 1...9, using: &random))
                    for _ in 0..<Int.random(in: 0...10, using: &random) { digits += String(Int.random(in: 0...9, using: &random)) }
                    if Int.random(in: 0..<8, using: &random) == 0 { digits = "0" + digits }
                    tokens.append(.integer(digits))
                default: tokens.append(.other(others.randomElement(using: &random)!))
                }
            }
            // The statement and what the model expects of it.
            var sql = "SELECT"
            var expectedSQL = "SELECT"
            var expectedValues: [String] = []
            var previousIsComparison = false
            /// What follows a literal leaves it alone: a word, `)`, `,` or the end.
            func standsAlone(before next: Token?) -> Bool {
                guard case .other(let text)? = next else { return next == nil }
                let first = text.utf8.first!
                return text == ")" || text == "," || (first != UInt8(ascii: "$") && (first == UInt8(ascii: "_") || (first | 0x20 >= 0x61 && first | 0x20 <= 0x7A)))
            }
            for (i, token) in tokens.enumerated() {
                let gap = gaps.randomElement(using: &random)!
                sql += gap
                expectedSQL += gap
                switch token {
                case .comparison(let text), .other(let text):
                    sql += text
                    expectedSQL += text
                case .integer(let digits):
                    sql += digits
                    let int4 = digits.count <= 10 && (digits.count == 1 || !digits.hasPrefix("0")) && Int64(digits)! <= Int64(Int32.max)
                    let number = (expectedValues.firstIndex(of: digits) ?? expectedValues.count) + 1
                    let placeholder = "$\(number)"
                    if previousIsComparison && int4 && placeholder.count <= digits.count && standsAlone(before: i + 1 < tokens.count ? tokens[i + 1] : nil) {
                        if number > expectedValues.count { expectedValues.append(digits) }
                        expectedSQL += placeholder + String(repeating: " ", count: digits.count - placeholder.count)
                    } else {
                        expectedSQL += digits
                    }
                }
                if case .comparison = token { previousIsComparison = true } else { previousIsComparison = false }
            }
            let rewritten = PostgresLiteralParameters.rewrite(sql)
            if expectedValues.isEmpty {
                if let rewritten { Issue.record("rewrote \(sql) as \(rewritten.sql)"); return }
            } else {
                guard let rewritten, rewritten.sql == expectedSQL, rewritten.values == expectedValues else {
                    Issue.record("\(sql)\n got: \(String(describing: rewritten))\n want: \(expectedSQL) \(expectedValues)")
                    return
                }
                taken += 1
            }
        }
        #expect(taken > 1_000)  // about 1,800 with this seed
    }
}
