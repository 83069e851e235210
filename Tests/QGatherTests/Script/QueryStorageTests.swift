@testable import QGather
import Testing

/// A statement split from a file keeps its SQL as a slice of the file's bytes; to every reader it
/// is the same value as one made from a string.
@Suite struct QueryStorageTests {
    static func split() throws -> [Query] {
        try ScriptSplitter(dialect: .sqlite).split("-- name: first\nSELECT 'a;b' AS x;\nSELECT 2 AS y;\n", file: "f.sql")
    }

    @Test func aSplitStatementEqualsTheSameQueryMadeFromAString() throws {
        let split = try Self.split()
        var made = Query("SELECT 'a;b' AS x", name: "first", index: 0, file: "f.sql", line: 2, column: 1)
        #expect(split[0] == made)
        #expect(split[0].hashValue == made.hashValue)
        #expect(split[0].sqlByteCount == made.sqlByteCount)
        made.sql = "SELECT 3"
        #expect(split[0] != made)
    }

    @Test func settingOnACopyLeavesTheOriginal() throws {
        let original = try Self.split()[1]
        var copy = original
        copy.sql = "SELECT 99"
        copy.line = 40
        copy.timeout = .seconds(2)
        copy.expectation = .noRows
        #expect(original.sql == "SELECT 2 AS y" && original.line == 3 && original.timeout == nil && original.expectation == nil)
        #expect(copy.sql == "SELECT 99" && copy.line == 40 && copy.timeout == .seconds(2) && copy.expectation == .noRows)
        copy.timeout = nil
        #expect(copy.expectation == .noRows)
    }

    @Test func aPrintedQueryShowsItsSQLNotItsScript() throws {
        let query = try Self.split()[1]
        let printed = String(reflecting: query)
        #expect(printed.contains("sql: \"SELECT 2 AS y\""))
        #expect(!printed.contains("a;b"))
    }
}
