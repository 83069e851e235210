@testable import QGather
import Testing

/// How many queries go to a connection at once: a window that grows while queries are quick.
@Suite struct PipelinePlannerTests {
    static let reads = (0..<1000).map { Query("SELECT \($0)", index: $0) }

    static func planner(timeout: Duration? = nil, retries: Int = 0, readOnly: Bool = false, serial: Bool = false) throws -> PipelinePlanner {
        let driver = try PostgresDriver(conninfo: "host=/nonexistent", readOnly: readOnly)
        return PipelinePlanner(driver: driver, options: GatherOptions(jobs: 4, timeout: timeout, serial: serial, retries: retries))
    }

    @Test func startsWithOneQueryAndDeepensWhileQueriesAreQuick() throws {
        var planner = try Self.planner()
        #expect(planner.nextRun(of: Self.reads, from: 0, jobs: 4) == 0..<1)
        var sizes: [Int] = []
        for _ in 0..<8 {
            let run = planner.nextRun(of: Self.reads, from: 0, jobs: 4)
            sizes.append(run.count)
            planner.record(count: run.count, elapsed: .microseconds(100 * run.count), failed: false)
        }
        #expect(sizes == [1, 2, 4, 8, 16, 32, 64, 64])
    }

    @Test func slowQueriesOrFailuresHalveTheDepth() throws {
        var planner = try Self.planner()
        for _ in 0..<6 { planner.record(count: 1, elapsed: .microseconds(100), failed: false) }
        #expect(planner.nextRun(of: Self.reads, from: 0, jobs: 4).count == 64)
        planner.record(count: 64, elapsed: .milliseconds(64 * 20), failed: false)
        #expect(planner.nextRun(of: Self.reads, from: 0, jobs: 4).count == 32)
        planner.record(count: 32, elapsed: .microseconds(100), failed: true)
        #expect(planner.nextRun(of: Self.reads, from: 0, jobs: 4).count == 16)
    }

    @Test func theTailIsSharedAmongTheJobs() throws {
        var planner = try Self.planner()
        for _ in 0..<6 { planner.record(count: 1, elapsed: .microseconds(100), failed: false) }
        #expect(planner.nextRun(of: Self.reads, from: 960, jobs: 4) == 960..<970)
        #expect(planner.nextRun(of: Self.reads, from: 999, jobs: 4) == 999..<1000)
    }

    @Test func writesAndMultiStatementQueriesStopARun() throws {
        var planner = try Self.planner()
        for _ in 0..<6 { planner.record(count: 1, elapsed: .microseconds(100), failed: false) }
        var queries = Self.reads
        queries[5] = Query("UPDATE t SET n = 1", index: 5)
        queries[20] = Query("SELECT 1; SELECT 2", index: 20)
        #expect(planner.nextRun(of: queries, from: 0, jobs: 1) == 0..<5)
        #expect(planner.nextRun(of: queries, from: 5, jobs: 1) == 5..<6)
        #expect(planner.nextRun(of: queries, from: 6, jobs: 1) == 6..<20)
        #expect(planner.nextRun(of: queries, from: 20, jobs: 1) == 20..<21)
    }

    @Test func aRunStaysUnderItsByteBudget() throws {
        var planner = try Self.planner()
        for _ in 0..<6 { planner.record(count: 1, elapsed: .microseconds(100), failed: false) }
        let long = (0..<100).map { Query("SELECT '" + String(repeating: "x", count: 2000) + "' AS v\($0)", index: $0) }
        let run = planner.nextRun(of: long, from: 0, jobs: 1)
        #expect(run.count > 1 && run.count < 10)
    }

    @Test func timeoutsRetriesReadOnlyAndSerialSessionsNeverPipelineOnPostgres() throws {
        for var planner in [try Self.planner(timeout: .seconds(1)), try Self.planner(retries: 1), try Self.planner(readOnly: true),
                            try Self.planner(serial: true)] {
            for _ in 0..<6 { planner.record(count: 1, elapsed: .microseconds(100), failed: false) }
            #expect(planner.nextRun(of: Self.reads, from: 0, jobs: 1) == 0..<1)
        }
    }

    @Test func sqliteTakesRunsOfQuickReadsSerialOrNotButNotWithATimeout() {
        for options in [GatherOptions(jobs: 1), GatherOptions(jobs: 1, serial: true)] {
            var sqlite = PipelinePlanner(driver: SQLiteDriver(path: ":memory:"), options: options)
            for _ in 0..<6 { sqlite.record(count: 1, elapsed: .microseconds(100), failed: false) }
            #expect(sqlite.nextRun(of: Self.reads, from: 0, jobs: 1).count > 1)
        }
        var planner = PipelinePlanner(driver: SQLiteDriver(path: ":memory:"), options: GatherOptions(jobs: 1, timeout: .seconds(1)))
        for _ in 0..<6 { planner.record(count: 1, elapsed: .microseconds(100), failed: false) }
        #expect(planner.nextRun(of: Self.reads, from: 0, jobs: 1) == 0..<1)
    }
}
