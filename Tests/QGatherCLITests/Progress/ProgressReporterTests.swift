import Foundation
import Testing

/// The progress line on stderr, seen in a real terminal (tmux): drawn in place while a batch
/// runs, erased at the end, absent when stderr is not a terminal or with `--quiet`.
@Suite struct ProgressReporterTests {
    /// A batch whose middle query runs for seconds: the first result prints at once, the third
    /// waits for the second.
    static func slowBatch(in dir: TemporaryDirectory) throws -> String {
        try dir.write("slow.sql", """
            -- name: quick_one
            SELECT 1 AS a;
            -- name: slow_count
            WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 15000000) SELECT count(*) AS n FROM c;
            -- name: quick_two
            SELECT 2 AS b;
            """)
    }

    /// `2/3 done, 0 failed | running: slow_count 1.2s`, capturing the seconds and tenths.
    static var progressPattern: Regex<(Substring, Substring, Substring)> { /^2\/3 done, 0 failed \| running: slow_count (\d+)\.(\d)s$/ }

    /// The lines of `screen` that look like a progress line.
    static func progressLines(_ screen: [String]) -> [String] {
        screen.filter { $0.contains(" done, ") && $0.contains(" failed") }
    }

    @Test func showsDoneTotalAndRunningQueriesInPlaceThenErasesIt() throws {
        let dir = try TemporaryDirectory()
        let batch = try Self.slowBatch(in: dir)
        let session = try TmuxSession(width: 100, height: 40, arguments: [batch, "--db", ":memory:", "--jobs", "3"])

        // While slow_count runs: quick_one's table is shown, and below it one progress line.
        let first = try #require(try session.waitFor { screen in screen.contains { $0.wholeMatch(of: Self.progressPattern) != nil } },
                                 "no progress line appeared: \(session.screen)")
        let shown = first.filter { !$0.isEmpty }
        #expect(shown.first == "-- quick_one (line 2)", "\(shown)")
        #expect(shown.last?.wholeMatch(of: Self.progressPattern) != nil, "the progress line is the last line: \(shown)")
        #expect(Self.progressLines(first).count == 1)
        #expect(!first.contains("-- quick_two (line 6)"))

        // It is redrawn in place: the elapsed time grows, still on one line.
        let firstTenths = try #require(first.lazy.compactMap { $0.wholeMatch(of: Self.progressPattern) }.first.map { Int($0.1)! * 10 + Int($0.2)! })
        let later = try #require(try session.waitFor { screen in
            screen.lazy.compactMap { $0.wholeMatch(of: Self.progressPattern) }.first.map { Int($0.1)! * 10 + Int($0.2)! >= firstTenths + 3 } ?? false
        }, "the elapsed time did not advance")
        #expect(Self.progressLines(later).count == 1, "\(later)")

        // At the end the line is gone and every result is shown in order, intact.
        let (status, screen) = try session.waitForExit()
        #expect(status == 0)
        #expect(Self.progressLines(screen).isEmpty, "\(screen)")
        let titles = screen.filter { $0.hasPrefix("-- ") }
        #expect(titles == ["-- quick_one (line 2)", "-- slow_count (line 4)", "-- quick_two (line 6)"])
        #expect(screen.contains(" 15000000"))
        #expect(screen.filter { $0.hasPrefix("(1 row)") }.count == 3)
    }

    @Test func countsFailuresSoFar() throws {
        let dir = try TemporaryDirectory()
        let batch = try dir.write("b.sql", """
            -- name: broken
            SELECT * FROM no_such_table;
            -- name: slow_count
            WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 15000000) SELECT count(*) AS n FROM c;
            """)
        let session = try TmuxSession(width: 100, height: 20, arguments: [batch, "--db", ":memory:", "--keep-going", "--format", "csv"])
        let screen = try session.waitFor { $0.contains { $0.hasPrefix("1/2 done, 1 failed | running: slow_count ") } }
        #expect(screen != nil, "\(session.screen)")
        #expect(try session.waitForExit().status == 1)
    }

    @Test func colouredOnATerminalButNotWithNoColor() throws {
        let dir = try TemporaryDirectory()
        let batch = try Self.slowBatch(in: dir)
        for noColor in [false, true] {
            let session = try TmuxSession(width: 100, height: 20, arguments: [batch, "--db", ":memory:", "--format", "csv"],
                                          redirect: ">/dev/null", environment: noColor ? ["NO_COLOR": "1"] : [:])
            let screen = try #require(try session.waitFor(escapes: true) { $0.contains { $0.contains("running: ") } },
                                      "no progress line (NO_COLOR=\(noColor)): \(session.screen)")
            let line = try #require(screen.first { $0.contains("running: ") })
            #expect(line.contains("\u{1B}[") == !noColor, "NO_COLOR=\(noColor): \(line.debugDescription)")
            #expect(try session.waitForExit().status == 0)
        }
    }

    @Test func nothingWhenStderrIsPiped() throws {
        let dir = try TemporaryDirectory()
        let batch = try Self.slowBatch(in: dir)
        let errors = dir.path("stderr.txt")
        let session = try TmuxSession(width: 100, height: 30, arguments: [batch, "--db", ":memory:"], redirect: "2>" + TmuxSession.quote(errors))
        // quick_one is printed at once; slow_count takes seconds: look while it runs.
        #expect(try session.waitFor { $0.contains("-- quick_one (line 2)") } != nil)
        Thread.sleep(forTimeInterval: 0.6)
        let running = try session.capture()
        #expect(!running.contains { $0.hasPrefix("-- slow_count") }, "slow_count ended too soon to look: \(running)")
        #expect(Self.progressLines(running).isEmpty, "\(running)")
        #expect(try session.waitForExit().status == 0)
        #expect(try String(contentsOfFile: errors, encoding: .utf8) == "")

        let piped = try CLIRunner.run([batch, "--db", ":memory:", "--format", "csv"])
        #expect(piped.status == 0)
        #expect(piped.stderr == "")
    }

    @Test func nothingWithQuiet() throws {
        let dir = try TemporaryDirectory()
        let batch = try Self.slowBatch(in: dir)
        let session = try TmuxSession(width: 100, height: 30, arguments: [batch, "--db", ":memory:", "--quiet"])
        #expect(try session.waitFor { $0.contains("-- quick_one (line 2)") } != nil)
        Thread.sleep(forTimeInterval: 0.6)
        let running = try session.capture()
        #expect(!running.contains { $0.hasPrefix("-- slow_count") }, "slow_count ended too soon to look: \(running)")
        #expect(Self.progressLines(running).isEmpty, "\(running)")
        #expect(try session.waitForExit().status == 0)
    }
}
