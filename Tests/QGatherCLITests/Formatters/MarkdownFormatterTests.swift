@testable import QGatherCLI
import Foundation
import QGather
import Testing

/// `--format markdown`: GitHub tables under `### name` headings.
@Suite struct MarkdownFormatterTests {
    typealias Support = FormatterTestSupport

    @Test func printsAHeadingAndAPipeTableWithNumbersRightAligned() {
        let outcome = Support.outcome("top_customers", columns: ["id", "name", "total"],
                                      rows: [[.integer(1), .text("Ada"), .real(10.5)], [.integer(22), .text("Grace"), .null]])
        #expect(Support.print([outcome], with: MarkdownFormatter()) == """
            ### top_customers

            | id | name | total |
            |---:|---|---:|
            | 1 | Ada | 10.5 |
            | 22 | Grace |  |


            """)
    }

    @Test func escapesPipesAndBackslashesAndKeepsLineBreaksInTheCell() {
        let outcome = Support.outcome(columns: ["a|b"], rows: [[.text("x|y\\z")], [.text("one\ntwo\r\nthree")]])
        #expect(Support.print([outcome], with: MarkdownFormatter()) == """
            ### people

            | a\\|b |
            |---|
            | x\\|y\\\\z |
            | one<br>two<br>three |


            """)
    }

    @Test func nullTextAndNoHeader() {
        let outcome = Support.outcome(columns: ["n", "t"], rows: [[.null, .text("x")]])
        let options = FormatOptions(header: false, null: "NULL")
        #expect(Support.print([outcome], with: MarkdownFormatter(options: options)) == """
            ### people

            |   |   |
            |---|---|
            | NULL | x |


            """)
    }

    @Test func statementsWithoutRowsPrintTheirCount() {
        let outcome = Support.outcome("cleanup", columns: [], rows: [], rowsAffected: 3)
        #expect(Support.print([outcome], with: MarkdownFormatter()) == "### cleanup\n\n3 rows affected.\n\n")
    }

    @Test func endToEndEveryQueryGetsItsSectionInFileOrder() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let batch = try dir.write("b.sql", """
            -- name: customers
            SELECT id, name, note FROM customers ORDER BY id;
            -- name: order_count
            SELECT count(*) AS n FROM orders;
            """)
        let result = try await CLIRunner.run([batch, "--db", db, "--format", "markdown", "--null", "∅"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
            ### customers

            | id | name | note |
            |---:|---|---|
            | 1 | Ada | ∅ |
            | 2 | Grace |  |
            | 3 | Linus | likes "quotes", commas |
            | 4 | Zoë | multi<br>line |

            ### order_count

            | n |
            |---:|
            | 4 |


            """)
    }
}
