@testable import QGather
import Testing

@Suite struct QueryDirectiveTests {
    private func split(_ sql: String) throws -> [Query] {
        try ScriptSplitter(dialect: .sqlite).split(sql, file: "c.sql")
    }

    @Test func directivesAboveAStatementSetItsNameExpectationAndTimeout() throws {
        let queries = try split("""
            -- name: orphans
            -- expect: no rows
            -- timeout: 5s
            SELECT 1;
            -- Expect: rows>=3
            SELECT 2;
            -- expect: rows != 0
            SELECT 3;
            -- expect: value = 'two words '
            SELECT 4;
            -- expect: value = ok
            SELECT 5;
            """)
        #expect(queries[0].name == "orphans")
        #expect(queries[0].expectation == .noRows)
        #expect(queries[0].timeout == .seconds(5))
        #expect(queries[1].expectation == .rowCount(.greaterOrEqual, 3))
        #expect(queries[1].timeout == nil)
        #expect(queries[2].expectation == .rowCount(.notEqual, 0))
        #expect(queries[3].expectation == .value("two words "))
        #expect(queries[4].expectation == .value("ok"))
    }

    @Test func proseCommentsStayComments() throws {
        let queries = try split("-- Note: nothing to check here\n-- expected results are in the wiki\nSELECT 1;\n")
        #expect(queries[0].expectation == nil)
    }

    @Test(arguments: [
        ("-- expect: some rows\nSELECT 1;", "c.sql:1: 'expect: some rows' is not an expectation"),
        ("-- expect: rows = -1\nSELECT 1;", "c.sql:1: 'expect: rows = -1' is not an expectation"),
        ("-- expect: rows >= many\nSELECT 1;", "c.sql:1: 'expect: rows >= many' is not an expectation"),
        ("-- timeout: soon\nSELECT 1;", "c.sql:1: 'timeout: soon' is not a duration"),
        ("SELECT 0;\n-- expects: no rows\nSELECT 1;", "c.sql:2: unknown directive 'expects:'"),
        ("-- timeout_ms: 5\nSELECT 1;", "c.sql:1: unknown directive 'timeout_ms:'"),
        ("-- expect : no rows\nSELECT 1;", "c.sql:1: 'expect' needs its colon right after it"),
        ("-- expect: no rows\n-- expect: rows = 1\nSELECT 1;", "c.sql:2: a second 'expect:' for one statement"),
    ])
    func aMalformedOrUnknownDirectiveIsAnErrorNamingItsLine(sql: String, message: String) throws {
        #expect {
            try split(sql)
        } throws: { error in
            (error as? ScriptError)?.description.hasPrefix(message) == true
        }
    }

    @Test func aFailedExpectationSaysWhatWasExpectedAndShowsTheFirstRows() {
        let rows = RowSet(columns: [Column(name: "id", type: ""), Column(name: "s", type: "")],
                          rows: (1...5).map { [.integer(Int64($0)), $0 == 2 ? .null : .text("x\($0)")] })
        #expect(ExpectationCheck.failure(of: .noRows, rows) == "check failed: expected no rows, got 5: (1, x1), (2, NULL), (3, x3), ...")
        #expect(ExpectationCheck.failure(of: .rowCount(.lessOrEqual, 5), rows) == nil)
        #expect(ExpectationCheck.failure(of: .rowCount(.equal, 2), rows)?.hasPrefix("check failed: expected rows = 2, got 5: (1, x1)") == true)
        let one = RowSet(columns: [Column(name: "n", type: "")], rows: [[.integer(7)]])
        #expect(ExpectationCheck.failure(of: .value("7"), one) == nil)
        #expect(ExpectationCheck.failure(of: .value("8"), one) == "check failed: expected value = 8, got '7'")
        #expect(ExpectationCheck.failure(of: .value("7"), rows)?.hasPrefix("check failed: expected one value (7), got 5 row(s) of 2 column(s)") == true)
        let changed = RowSet(columns: [], rows: [], rowsAffected: 3)
        #expect(ExpectationCheck.failure(of: .rowCount(.equal, 3), changed) == nil)
    }
}
