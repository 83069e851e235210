@testable import QGatherCLI
import QGather
import Testing

/// `--list` reads each statement's first line from its bytes, and writes the listing row by row.
@Suite struct StatementListerTests {
    @Test(arguments: ["SELECT 1", "\n\n  SELECT a,\n b", "\t\tSELECT\tx\t \nFROM t", "\r\n\r\nSELECT 2\r\nFROM t", " \u{0B}\u{0C}SELECT 3",
                      "   \n\t \n", "", "SELECT 'é'\nFROM t", "\n  SELECT '日本'  \n", "SELECT 1 \r"])
    func theFirstLineOfBytesIsTheFirstLineOfTheText(_ sql: String) {
        var text = sql
        let fromBytes = text.withUTF8 { StatementLister.firstLine(of: $0) }
        #expect(fromBytes == StatementLister.firstLine(of: sql))
    }

    @Test func theListingPadsEachColumnToItsWidestEntry() throws {
        let batch = try ScriptLoader.split([("x.sql", (1...12).map { "-- name: n\(String(repeating: "x", count: $0))\nSELECT \($0);" }.joined(separator: "\n"))],
                                           dialect: .sqlite)
        let lines = StatementLister.render(batch).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 14 && lines.last == "")
        #expect(lines[0] == "index  name           location  statement")
        #expect(lines[1] == "0      nx             x.sql:2   SELECT 1")
        #expect(lines[12] == "11     nxxxxxxxxxxxx  x.sql:24  SELECT 12")
    }
}
