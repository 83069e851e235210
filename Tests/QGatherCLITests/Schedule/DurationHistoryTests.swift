import Foundation
@testable import QGatherCLI
import QGather
import Testing

/// The duration history file: read byte by byte, strict about its format, written atomically.
@Suite struct DurationHistoryTests {
    @Test func whatIsSavedLoadsBackEntryForEntry() throws {
        let dir = try TemporaryDirectory()
        let url = URL(fileURLWithPath: dir.path("durations"))
        var history = DurationHistory(url: url)
        let keys = [UInt64.max, 0, 0xABCDEF, DurationHistory.key(sql: "SELECT 1", target: "sqlite /x.db")]
        for (n, key) in keys.enumerated() { history.record(key, .milliseconds(10 * (n + 1))) }
        #expect(history.save() == nil)
        let (loaded, warning) = DurationHistory.load(from: url)
        #expect(warning == nil)
        #expect(keys.enumerated().allSatisfy { n, key in loaded.expected(key) == .milliseconds(10 * (n + 1)) })
        #expect(loaded.entries.count == keys.count)
    }

    @Test(arguments: ["", "\n\n", "ff 1 2", "FF 1 2\n\nab 30 40\n"])
    func wellFormedFilesLoad(_ text: String) throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("durations", text)
        let (history, warning) = DurationHistory.load(from: URL(fileURLWithPath: path))
        #expect(warning == nil, "\(text)")
        #expect(history.entries.count == text.split(separator: "\n").count)
    }

    @Test(arguments: ["not a history\n", "ff 1\n", "ff 1 2 3\n", "fg 1 2\n", "ff -1 2\n", "ff 1 2x\n", "ff  1 2\n", " ff 1 2\n",
                      "ff 1 2\r\n", "ffffffffffffffffff 1 2\n", "ff 99999999999999999999 2\n", "ff 1 9223372036854775808\n", "ff 1 \n"])
    func anythingElseIsDamagedAndStartsOver(_ text: String) throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("durations", text)
        let (history, warning) = DurationHistory.load(from: URL(fileURLWithPath: path))
        #expect(warning == "warning: \(path): the duration history is damaged; it starts over", "\(text.debugDescription)")
        #expect(history.entries.isEmpty)
    }

    @Test func theKeyOfAQueryReadInPlaceIsTheKeyOfItsText() throws {
        let queries = try ScriptSplitter(dialect: .sqlite).split("SELECT 1;\n  SELECT 'é' AS x;", file: "f.sql")
        for query in queries {
            #expect(DurationHistory.key(query, target: "t") == DurationHistory.key(sql: query.sql, target: "t"))
        }
        #expect(DurationHistory.key(sql: "SELECT 1", target: "a") != DurationHistory.key(sql: "SELECT 1", target: "b"))
    }
}
