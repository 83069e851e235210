@testable import QGatherCLI
import Foundation
import QGather
import Testing

/// `--format table`: psql's aligned layout, for multi-line, wide and long values.
@Suite struct TableFormatterTests {
    typealias Support = FormatterTestSupport

    @Test func multiLineValuesContinueWithAPlusAtTheCellsRightEdge() {
        let rows = RowSet(columns: [Column(name: "x", type: ""), Column(name: "z", type: ""), Column(name: "n", type: "")],
                          rows: [[.text("a\nbbb\nc"), .text("1\n2"), .integer(3)]])
        #expect(TableFormatter.render(rows) == """
              x  | z | n 
            -----+---+---
             a  +| 1+| 3
             bbb+| 2 | 
             c   |   | 
            (1 row)


            """)
    }

    @Test func aMultiLineLastColumnIsPaddedOnlyWhereItContinues() {
        let rows = RowSet(columns: [Column(name: "y", type: ""), Column(name: "x", type: "")], rows: [[.integer(1), .text("a\nbb")]])
        #expect(TableFormatter.render(rows) == " y | x  \n---+----\n 1 | a +\n   | bb\n(1 row)\n\n")
    }

    @Test func multiLineHeadersAreCentredLineByLine() {
        let rows = RowSet(columns: [Column(name: "multi\nline", type: ""), Column(name: "b", type: "")], rows: [[.integer(1), .integer(2)]])
        #expect(TableFormatter.render(rows) == " multi+| b \n line  |   \n-------+---\n     1 | 2\n(1 row)\n\n")
    }

    @Test func wideCharactersTakeTwoColumnsAndControlCharactersPrintEscaped() {
        let rows = RowSet(columns: [Column(name: "j", type: ""), Column(name: "t", type: ""), Column(name: "e", type: "")],
                          rows: [[.text("日本語"), .text("a\tb\u{1}"), .text("é")], [.text("ｶﾅ"), .text("x\ry"), .text("e\u{301}")]])
        #expect(TableFormatter.render(rows) == """
               j    |       t       | e 
            --------+---------------+---
             日本語 | a       b\\x01 | é
             ｶﾅ     | x\\ry          | é
            (2 rows)


            """)
    }

    @Test func longValuesWidenTheirColumn() {
        let long = String(repeating: "wide ", count: 40).trimmingCharacters(in: .whitespaces)
        let rows = RowSet(columns: [Column(name: "id", type: ""), Column(name: "text", type: "")], rows: [[.integer(1), .text(long)], [.integer(2), .text("short")]])
        let lines = TableFormatter.render(rows).split(separator: "\n")
        #expect(lines[1] == "----+-" + String(repeating: "-", count: long.count + 1))
        #expect(lines[2] == "  1 | " + long)
        #expect(lines[3] == "  2 | short")
    }

    @Test func nullStringIsAlignedLikeTheColumn() {
        let rows = RowSet(columns: [Column(name: "n", type: ""), Column(name: "t", type: "")], rows: [[.null, .text("x")], [.integer(12345), .null]])
        #expect(TableFormatter.render(rows, options: FormatOptions(null: "NULL")) == """
               n   |  t   
            -------+------
              NULL | x
             12345 | NULL
            (2 rows)


            """)
    }

    @Test func noHeaderLeavesOutTheHeaderAndItsRuleButKeepsTheWidths() {
        let rows = RowSet(columns: [Column(name: "longheadername", type: ""), Column(name: "t", type: "")], rows: [[.integer(1), .text("x")]])
        #expect(TableFormatter.render(rows, options: FormatOptions(header: false)) == "              1 | x\n(1 row)\n\n")
    }

    @Test func endToEndNoHeaderAndNullFlags() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let batch = try dir.write("b.sql", "SELECT id, note FROM customers ORDER BY id;\n")
        let result = try await CLIRunner.run([batch, "--db", db, "--no-header", "--null", "(null)"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
            -- q1 (line 1)
              1 | (null)
              2 | 
              3 | likes "quotes", commas
              4 | multi                 +
                | line
            (4 rows)


            """)
    }
}
