@testable import QGather
import Testing

/// A batch split from scripts makes each `Query` when it is read; to every reader it is the
/// same batch as one made of the queries themselves.
@Suite struct BatchQueriesTests {
    static let scripts = [
        ScriptSource(path: "a.sql", text: "-- name: first\nSELECT 1;\n-- expect: rows = 1\n-- timeout: 2s\nSELECT 2;"),
        ScriptSource(path: "empty.sql", text: "-- nothing here\n"),
        ScriptSource(path: "b.sql", text: "  SELECT 'x;y';\n\nSELECT :id;"),
    ]

    @Test func aSplitBatchReadsAsTheQueriesTheSplitterMakes() throws {
        let batch = try ScriptLoader.split(Self.scripts, dialect: .sqlite)
        var expected: [Query] = []
        var strings = StringSyntax(standardConformingStrings: true)
        for source in Self.scripts {
            expected += try ScriptSplitter(dialect: .sqlite).split(String(decoding: source.bytes, as: UTF8.self), file: source.path,
                                                                   firstIndex: expected.count, strings: &strings)
        }
        #expect(batch.count == 4)
        #expect(Array(batch.queries) == expected)
        #expect(batch.queries.map(\.index) == [0, 1, 2, 3])
        #expect(batch.queries.map(\.name) == ["first", "q2", "q3", "q4"])
        #expect(batch.queries.map(\.file) == ["a.sql", "a.sql", "b.sql", "b.sql"])
        #expect(batch.queries.map(\.line) == [2, 5, 1, 3] && batch.queries[2].column == 3)
        #expect(batch.queries[1].expectation == .rowCount(.equal, 1) && batch.queries[1].timeout == .seconds(2))
        #expect(batch.queries[0].expectation == nil && batch.queries[0].timeout == nil)
        #expect(batch.queries[2].sql == "SELECT 'x;y'")
    }

    @Test func aQueryChangedThroughTheSubscriptStaysChangedAndTheOthersDoNot() throws {
        var batch = try ScriptLoader.split(Self.scripts, dialect: .sqlite)
        let untouched = batch.queries[0]
        batch.queries[3].parameters["id"] = .integer(7)
        #expect(batch.queries[3].parameters == ["id": .integer(7)])
        #expect(batch.queries[3].sql == "SELECT :id")
        #expect(batch.queries[0] == untouched)
        let unused = try batch.bind(["id": .integer(8), "other": .null], dialect: .sqlite)
        #expect(unused == ["other"])
        #expect(batch.queries[3].parameters == ["id": .integer(8)])
        #expect(batch.queries[0].parameters.isEmpty)
    }

    @Test func forEachSQLReadsWhatEachQueryHoldsChangedOnesIncluded() throws {
        var split = try ScriptLoader.split(Self.scripts, dialect: .sqlite)
        split.queries[2].sql = "SELECT 'changed'"
        for batch in [split, Batch(sql: ["SELECT 1", "", "SELECT 'é'"])] {
            var seen: [(Int, String)] = []
            batch.queries.forEachSQL { index, bytes in seen.append((index, String(decoding: bytes, as: UTF8.self))) }
            #expect(seen.map(\.0) == Array(0..<batch.count))
            #expect(seen.map(\.1) == batch.queries.map(\.sql))
        }
    }

    @Test func aBatchOfQueriesAndASplitBatchOfTheSameStatementsAreEqual() throws {
        let split = try ScriptLoader.split([ScriptSource(path: "<inline>", text: "SELECT 1;SELECT 2")], dialect: .sqlite)
        let made = Batch([Query("SELECT 1", column: 1), Query("SELECT 2", column: 10)])
        #expect(split.queries == made.queries)
    }

    @Test func positionalNamesAreQAndTheOneBasedIndex() {
        for index in [0, 1, 8, 9, 10, 98, 99, 12_345, 1_999_999, Int.max - 1] {
            #expect(ScriptStatements.positionalName(index) == "q\(index + 1)")
        }
    }

    @Test func validUTF8OfEveryLengthPasses() {
        let text = "a é € 𝄞 \u{10FFFF} \u{FFFD} \u{E000}"
        #expect(ScriptLoader.firstInvalidUTF8(in: Array(text.utf8)) == text.utf8.count)
    }
}
