import Foundation
import Testing

/// The progress line on stderr, seen in a real terminal (tmux): drawn in place while a batch
/// runs, erased at the end, absent when stderr is not a terminal or with `--quiet`.
@Suite struct ProgressReporterTests {
    /// A batch whose middle query runs until `gate` opens: the first result prints at once, the
    /// third waits for the second.
    static func slowBatch(in dir: TemporaryDirectory, gate: Gate) throws -> String {
        try dir.write("slow.sql", """
            -- name: quick_one
            SELECT 1 AS a;
            -- name: slow_count
            \(gate.query);
            -- name: quick_two
            SELECT 2 AS b;
            """)
    }

    /// A query that runs until the test opens the gate: it polls a table for its key. A query
    /// of fixed length (counting, or `pg_sleep`) either outlasted a test's patience or ended
    /// before it looked, on a machine loaded by the suite around it.
    struct Gate {
        private let key = Int64.random(in: 1...Int64.max)

        /// A closed gate (the table and the function it needs are made once per run).
        static func make() async throws -> Gate {
            try await setup.value
            return Gate()
        }

        private static let setup = Task<Void, any Error> {
            try await PostgresServer.psql("""
                CREATE TABLE IF NOT EXISTS qgather_test_gates (key bigint PRIMARY KEY);
                CREATE OR REPLACE FUNCTION qgather_test_gate(k bigint) RETURNS void LANGUAGE plpgsql AS $$
                BEGIN
                    FOR i IN 1..2400 LOOP
                        IF EXISTS (SELECT 1 FROM qgather_test_gates WHERE key = k) THEN RETURN; END IF;
                        PERFORM pg_sleep(0.05);
                    END LOOP;
                    RAISE EXCEPTION 'gate % was never opened', k;
                END $$;
                """)
        }

        /// One row, `n` = 15000000, once the gate is open (an error after two minutes).
        var query: String { "SELECT 15000000 AS n FROM qgather_test_gate(\(key))" }

        /// Lets the query finish.
        func open() async throws {
            try await PostgresServer.psql("INSERT INTO qgather_test_gates VALUES (\(key))")
        }
    }

    /// `2/3 done, 0 failed | running: slow_count 1.2s`, capturing the seconds and tenths.
    static var progressPattern: Regex<(Substring, Substring, Substring)> { /^2\/3 done, 0 failed \| running: slow_count (\d+)\.(\d)s$/ }

    /// The lines of `screen` that look like a progress line.
    static func progressLines(_ screen: [String]) -> [String] {
        screen.filter { $0.contains(" done, ") && $0.contains(" failed") }
    }

    @Test func showsDoneTotalAndRunningQueriesInPlaceThenErasesIt() async throws {
        let dir = try TemporaryDirectory()
        let gate = try await Gate.make()
        let batch = try Self.slowBatch(in: dir, gate: gate)
        let session = try TmuxSession(width: 100, height: 40, arguments: [batch, "--pg", try PostgresServer.conninfo(), "--jobs", "3"])

        // While slow_count runs: quick_one's table is shown, and below it one progress line.
        let first = try #require(try await session.waitFor { screen in screen.contains { $0.wholeMatch(of: Self.progressPattern) != nil } },
                                 "no progress line appeared: \(session.screen)")
        let shown = first.filter { !$0.isEmpty }
        #expect(shown.first == "-- quick_one (line 2)", "\(shown)")
        #expect(shown.last?.wholeMatch(of: Self.progressPattern) != nil, "the progress line is the last line: \(shown)")
        #expect(Self.progressLines(first).count == 1)
        #expect(!first.contains("-- quick_two (line 6)"))

        // It is redrawn in place: the elapsed time grows, still on one line.
        let firstTenths = try #require(first.lazy.compactMap { $0.wholeMatch(of: Self.progressPattern) }.first.map { Int($0.1)! * 10 + Int($0.2)! })
        let later = try #require(try await session.waitFor { screen in
            screen.lazy.compactMap { $0.wholeMatch(of: Self.progressPattern) }.first.map { Int($0.1)! * 10 + Int($0.2)! >= firstTenths + 3 } ?? false
        }, "the elapsed time did not advance")
        #expect(Self.progressLines(later).count == 1, "\(later)")

        // At the end the line is gone and every result is shown in order, intact.
        try await gate.open()
        let (status, screen) = try await session.waitForExit()
        #expect(status == 0)
        #expect(Self.progressLines(screen).isEmpty, "\(screen)")
        let titles = screen.filter { $0.hasPrefix("-- ") }
        #expect(titles == ["-- quick_one (line 2)", "-- slow_count (line 4)", "-- quick_two (line 6)"])
        #expect(screen.contains(" 15000000"))
        #expect(screen.filter { $0.hasPrefix("(1 row)") }.count == 3)
    }

    @Test func countsFailuresSoFar() async throws {
        let dir = try TemporaryDirectory()
        let gate = try await Gate.make()
        let batch = try dir.write("b.sql", """
            -- name: broken
            SELECT * FROM no_such_table;
            -- name: slow_count
            \(gate.query);
            """)
        let session = try TmuxSession(width: 100, height: 20, arguments: [batch, "--pg", try PostgresServer.conninfo(), "--keep-going", "--format", "csv"])
        let screen = try await session.waitFor { $0.contains { $0.hasPrefix("1/2 done, 1 failed | running: slow_count ") } }
        #expect(screen != nil, "\(session.screen)")
        try await gate.open()
        #expect(try await session.waitForExit().status == 1)
    }

    @Test func colouredOnATerminalButNotWithNoColor() async throws {
        let dir = try TemporaryDirectory()
        for noColor in [false, true] {
            let gate = try await Gate.make()
            let batch = try Self.slowBatch(in: dir, gate: gate)
            let session = try TmuxSession(width: 100, height: 20, arguments: [batch, "--pg", try PostgresServer.conninfo(), "--format", "csv"],
                                          redirect: ">/dev/null", environment: noColor ? ["NO_COLOR": "1"] : [:])
            let screen = try #require(try await session.waitFor(escapes: true) { $0.contains { $0.contains("running: ") } },
                                      "no progress line (NO_COLOR=\(noColor)): \(session.screen)")
            let line = try #require(screen.first { $0.contains("running: ") })
            #expect(line.contains("\u{1B}[") == !noColor, "NO_COLOR=\(noColor): \(line.debugDescription)")
            try await gate.open()
            #expect(try await session.waitForExit().status == 0)
        }
    }

    @Test func nothingWhenStderrIsPiped() async throws {
        let dir = try TemporaryDirectory()
        let gate = try await Gate.make()
        let batch = try Self.slowBatch(in: dir, gate: gate)
        let errors = dir.path("stderr.txt")
        let session = try TmuxSession(width: 100, height: 30, arguments: [batch, "--pg", try PostgresServer.conninfo()], redirect: "2>" + TmuxSession.quote(errors))
        // quick_one is printed at once; slow_count waits for the gate: look while it runs.
        #expect(try await session.waitFor { $0.contains("-- quick_one (line 2)") } != nil)
        try await Task.sleep(for: .milliseconds(600))
        let running = try session.capture()
        #expect(!running.contains { $0.hasPrefix("-- slow_count") }, "slow_count ended too soon to look: \(running)")
        #expect(Self.progressLines(running).isEmpty, "\(running)")
        try await gate.open()
        #expect(try await session.waitForExit().status == 0)
        #expect(try String(contentsOfFile: errors, encoding: .utf8) == "")

        let piped = try await CLIRunner.run([batch, "--pg", try PostgresServer.conninfo(), "--format", "csv"])
        #expect(piped.status == 0)
        #expect(piped.stderr == "")
    }

    @Test func nothingWithQuiet() async throws {
        let dir = try TemporaryDirectory()
        let gate = try await Gate.make()
        let batch = try Self.slowBatch(in: dir, gate: gate)
        let session = try TmuxSession(width: 100, height: 30, arguments: [batch, "--pg", try PostgresServer.conninfo(), "--quiet"])
        #expect(try await session.waitFor { $0.contains("-- quick_one (line 2)") } != nil)
        try await Task.sleep(for: .milliseconds(600))
        let running = try session.capture()
        #expect(!running.contains { $0.hasPrefix("-- slow_count") }, "slow_count ended too soon to look: \(running)")
        #expect(Self.progressLines(running).isEmpty, "\(running)")
        try await gate.open()
        #expect(try await session.waitForExit().status == 0)
    }
}
