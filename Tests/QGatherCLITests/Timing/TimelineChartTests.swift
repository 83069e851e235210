@testable import QGatherCLI
import Foundation
import QGather
import Testing

/// `--timing`'s timeline chart: as rendered, and as seen in a real terminal (tmux).
@Suite struct TimelineChartTests {
    static func entry(_ name: String, index: Int, start: Int?, elapsed: Int?, status: QueryOutcome.Status = .ok) -> TimingReport.Entry {
        let result: QueryOutcome.Result = switch status {
        case .ok: .rows(RowSet(columns: [], rows: []))
        case .error: .failed(QueryError(kind: .database, code: "x", message: "boom"))
        case .failedCheck: .failed(QueryError(kind: .checkFailed, code: .checkFailed, message: "check failed"))
        case .cancelled: .cancelled
        }
        return TimingReport.Entry(QueryOutcome(query: Query("SELECT 1", name: name, index: index), result: result,
                                               startOffset: start.map { .milliseconds($0) }, duration: elapsed.map { .milliseconds($0) }))
    }

    @Test func barsRunFromStartToEndAcrossTheWallTime() {
        let entries = [Self.entry("first", index: 0, start: 0, elapsed: 500), Self.entry("second", index: 1, start: 0, elapsed: 1000),
                       Self.entry("late", index: 2, start: 500, elapsed: 500, status: .error),
                       Self.entry("stopped", index: 3, start: 600, elapsed: 100, status: .cancelled),
                       Self.entry("never", index: 4, start: nil, elapsed: nil, status: .cancelled)]
        let chart = TimelineChart.render(entries, wall: .milliseconds(1000), width: 60, color: false)
        // 60 columns: names 7, " |", 38 bar columns, "| ", labels 11 ("not started").
        #expect(chart == """
            timeline: 1 column = 26.32 ms (# ok, X error, - cancelled)
            first   |###################                   |   500.00 ms
            second  |######################################|  1000.00 ms
            late    |                   XXXXXXXXXXXXXXXXXXX|   500.00 ms
            stopped |                      -----           |   100.00 ms
            never   |                                      | not started
                     0                           1000.00 ms

            """)
        for line in chart.split(separator: "\n").dropFirst().dropLast() { #expect(line.count == 60) }
    }

    @Test func aQueryTooShortToSeeStillGetsOneColumnAndLongNamesAreCut() {
        let entries = [Self.entry("a_rather_long_query_name_indeed", index: 0, start: 0, elapsed: 1000),
                       Self.entry("blip", index: 1, start: 999, elapsed: 0)]
        let chart = TimelineChart.render(entries, wall: .milliseconds(1000), width: 60, color: false)
        let lines = chart.split(separator: "\n").map(String.init)
        #expect(lines[1].hasPrefix("a_rather_long_query~ |####"))
        #expect(lines[2].hasSuffix("#|    0.00 ms"))
        #expect(lines[2].filter { $0 == "#" }.count == 1)
    }

    @Test func coloursTheBarsOnlyWhenAsked() {
        let entries = [Self.entry("ok", index: 0, start: 0, elapsed: 10), Self.entry("bad", index: 1, start: 0, elapsed: 10, status: .error)]
        let coloured = TimelineChart.render(entries, wall: .milliseconds(10), width: 40, color: true)
        #expect(coloured.contains("\u{1B}[32m#"))
        #expect(coloured.contains("\u{1B}[31mX"))
        #expect(!TimelineChart.render(entries, wall: .milliseconds(10), width: 40, color: false).contains("\u{1B}"))
    }

    /// Three equal queries, two at a time: the third starts when one of the first two ends. They
    /// sleep on the server: CPU-bound ones took unequal times on a loaded machine.
    static func staggeredBatch(in dir: TemporaryDirectory) throws -> String {
        let sleep = "SELECT pg_sleep(0.6);"
        return try dir.write("staggered.sql", "-- name: first\n\(sleep)\n-- name: second\n\(sleep)\n-- name: third\n\(sleep)\n")
    }

    /// The bar lines of a chart: name, the columns of its first and last mark.
    static func bars(_ lines: [String]) -> [String: (first: Int, last: Int, line: String)] {
        var bars: [String: (Int, Int, String)] = [:]
        for line in lines {
            guard let name = line.split(separator: " ").first.map(String.init), ["first", "second", "third"].contains(name),
                  line.contains(" |"), let first = line.firstIndex(of: "#"), let last = line.lastIndex(of: "#") else { continue }
            bars[name] = (line.distance(from: line.startIndex, to: first), line.distance(from: line.startIndex, to: last), line)
        }
        return bars
    }

    @Test func inATerminalTheChartSpansItsWidthAndShowsOverlap() async throws {
        let dir = try TemporaryDirectory()
        let batch = try Self.staggeredBatch(in: dir)
        let session = try TmuxSession(width: 100, height: 30, arguments: [batch, "--pg", try PostgresServer.conninfo(), "--jobs", "2", "--timing"], redirect: ">/dev/null")
        let (status, screen) = try await session.waitForExit()
        #expect(status == 0)
        #expect(screen.contains { $0.hasPrefix("3 queries, wall ") && $0.contains("overlap") })
        let header = try #require(screen.firstIndex { $0.hasPrefix("timeline: 1 column = ") }, "\(screen)")
        let bars = Self.bars(Array(screen[header...]))
        #expect(bars.count == 3, "\(screen)")
        for (_, bar) in bars { #expect(bar.line.count == 100, "\(bar.line)") }
        let first = try #require(bars["first"]), second = try #require(bars["second"]), third = try #require(bars["third"])
        #expect(first.first <= 10 && second.first <= 10, "the first two start together")
        #expect(third.first >= min(first.last, second.last) - 1, "the third starts when a slot frees: \(screen)")
        #expect(third.first > first.first + 10)
        let axis = screen[header + 4]
        let barEnd = first.line.distance(from: first.line.startIndex, to: first.line.lastIndex(of: "|")!)
        #expect(axis.hasSuffix(" ms") && axis.count == barEnd, "the wall time ends under the bars' end: \(axis)")
    }

    @Test func withoutATerminalTheChartIs80ColumnsAndPlain() async throws {
        let dir = try TemporaryDirectory()
        let batch = try Self.staggeredBatch(in: dir)
        let result = try await CLIRunner.run([batch, "--pg", try PostgresServer.conninfo(), "--jobs", "2", "--timing", "--format", "csv"])
        #expect(result.status == 0)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        let bars = Self.bars(lines)
        #expect(bars.count == 3, "\(result.stderr)")
        for (_, bar) in bars { #expect(bar.line.count == 80) }
        #expect(!result.stderr.contains("\u{1B}"))
        #expect(lines.last?.hasSuffix(" ms") == true, "the chart ends the output")
    }
}
