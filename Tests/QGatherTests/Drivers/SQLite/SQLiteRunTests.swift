import Foundation
import Synchronization
@testable import QGather
import Testing

/// Quick reads share a hand-off to a SQLite connection's thread (a run); results, errors,
/// cancellation and timings stay exactly as if each had had its own.
@Suite(.timeLimit(.minutes(2)))
struct SQLiteRunTests {
    /// A shared in-memory database whose driver records the runs, with table t(x) of 1...100.
    static func database(connections: Int) async throws -> (Database, PipelineRecorder) {
        let recorder = PipelineRecorder(SQLiteDriver(path: ":memory:"))
        let db = Database(driver: recorder, maxConnections: connections)
        try await db.execute("CREATE TABLE t(x); WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100) INSERT INTO t SELECT x FROM c")
        return (db, recorder)
    }

    /// Runs deepen whatever the machine's load.
    static func options(jobs: Int, policy: ErrorPolicy = .failFast) -> GatherOptions {
        var options = GatherOptions(jobs: jobs, policy: policy)
        options.pipelineTuning = PipelinePlanner.Tuning(fastQuery: .seconds(60), slowQuery: .seconds(120))
        return options
    }

    @Test func quickReadsShareRunsAndEveryResultKeepsItsSlot() async throws {
        let (db, recorder) = try await Self.database(connections: 2)
        let batch = Batch(sql: (0..<200).map { "SELECT x FROM t WHERE x = \($0 % 100 + 1)" })
        let outcomes = await db.gather(batch, options: Self.options(jobs: 2))
        #expect(outcomes.map(\.query.index) == Array(0..<200))
        #expect(outcomes.enumerated().allSatisfy { i, o in o.rowSet?.rows == [[.integer(Int64(i % 100 + 1))]] })
        #expect(recorder.pipelines.contains { $0.count > 1 }, "no run held more than one query: \(recorder.pipelines)")
        #expect(outcomes.allSatisfy { $0.startOffset != nil && $0.duration != nil })
        await db.close()
    }

    @Test func anErrorInARunFailsOnlyItsQueryUnderCollect() async throws {
        let (db, _) = try await Self.database(connections: 1)
        let sql = (0..<40).map { $0 == 17 ? "SELECT nope FROM t" : "SELECT count(*) FROM t WHERE x > \($0)" }
        let outcomes = await db.gather(Batch(sql: sql), options: Self.options(jobs: 1, policy: .collect))
        #expect(outcomes[17].error?.message == "no such column: nope")
        #expect(outcomes.enumerated().filter { $0.offset != 17 }.allSatisfy { $0.element.status == .ok })
        #expect(outcomes[39].rowSet?.rows == [[.integer(61)]])
        await db.close()
    }

    @Test func underFailFastNothingAfterAFailingStatementOfARunStarts() async throws {
        let (db, recorder) = try await Self.database(connections: 1)
        let sql = (0..<40).map { $0 == 9 ? "SELECT nope FROM t" : "SELECT count(*) FROM t" }
        let outcomes = await db.gather(Batch(sql: sql), options: Self.options(jobs: 1))
        let failing = try #require(recorder.pipelines.first { $0.contains(9) })
        #expect(failing.last! > 9, "the failing query ended its run: \(recorder.pipelines)")
        #expect(outcomes[9].status == .error)
        #expect(outcomes[10...].allSatisfy { $0.status == .cancelled && $0.startOffset == nil && $0.duration == nil })
        #expect(outcomes[..<9].allSatisfy { $0.status == .ok })
        await db.close()
    }

    /// A recording database of one connection on a new file (SQLite's locks are the file's), with
    /// `setup` run on it; the caller removes the file with `remove`.
    static func fileDatabase(setup: String) async throws -> (db: Database, recorder: PipelineRecorder, path: String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("qgather-run-\(UUID().uuidString).db").path
        var options = SQLiteDriver.Options()
        options.create = true
        let recorder = PipelineRecorder(SQLiteDriver(path: path, options: options))
        let db = Database(driver: recorder, maxConnections: 1)
        try await db.execute(SQL(sql: setup))
        return (db, recorder, path)
    }

    /// Removes a test's database file.
    static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)  // a file left in the temporary directory changes no result
    }

    @Test func aWriterWaitsForOneStatementOfARunOfSlowReadsNotForTheWholeRun() async throws {
        let (db, recorder, path) = try await Self.fileDatabase(setup: "CREATE TABLE t(x); INSERT INTO t VALUES (1)")
        defer { Self.remove(path) }
        // Each slow read holds the file's read lock while it runs (it reads t); runs deepen
        // whatever the speed, so the slow ones share runs of 8 and 16.
        let slow = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000) SELECT count(*) FROM c, t"
        let sql = Array(repeating: "SELECT x FROM t", count: 7) + Array(repeating: slow, count: 24)
        let slowStarted = Mutex(false)
        var options = Self.options(jobs: 1)
        options.onEvent = { event in if case .started(let query, _) = event, query.index >= 15 { slowStarted.withLock { $0 = true } } }
        let task = Task { [options] in await db.gather(Batch(sql: sql), options: options) }
        for _ in 0..<1200 where !slowStarted.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
        // The writer's wait is compared with the reads' own durations (a loaded machine slows
        // both), not with a fixed bound: it never times out here.
        let writer = Database.sqlite(path, configuration: .init(maxConnections: 1, busyTimeout: .seconds(120)))
        let clock = ContinuousClock()
        let began = clock.now
        try await writer.execute("INSERT INTO t VALUES (2)")
        let waited = clock.now - began
        await writer.close()
        let outcomes = await task.value
        #expect(recorder.pipelines.contains { $0.count >= 8 && $0.allSatisfy { $0 >= 7 } }, "\(recorder.pipelines)")
        #expect(outcomes.allSatisfy { $0.status == .ok }, "\(outcomes.compactMap(\.error))")
        // Without the limit it waits for the rest of a run of 16 slow reads; with it, for the one
        // being stepped (and the next one's start).
        let slowest = outcomes[7...].compactMap(\.duration).max() ?? .zero
        #expect(waited < slowest * 4, "the writer waited \(waited); the slowest read took \(slowest)")
        await db.close()
    }

    @Test func aRunOfReadsLeavesNoTransactionOrLockBehindEvenAfterAFailure() async throws {
        let (db, recorder, path) = try await Self.fileDatabase(setup: "CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3)")
        defer { Self.remove(path) }
        let sql = (0..<120).map { $0 == 50 ? "SELECT nope FROM t" : "SELECT count(*) FROM t WHERE x <= \($0 % 3 + 1)" }
        let outcomes = await db.gather(Batch(sql: sql), options: Self.options(jobs: 1, policy: .collect))
        #expect(recorder.pipelines.contains { $0.contains(50) && $0.count > 1 }, "\(recorder.pipelines)")
        #expect(outcomes[50].error?.message == "no such column: nope")
        #expect(outcomes.enumerated().allSatisfy { i, o in i == 50 || o.rowSet?.rows == [[.integer(Int64(i % 3 + 1))]] })
        // The connection is back in autocommit: another connection writes without waiting for a
        // lock, and a write on this one is committed at once (not inside a transaction left open).
        let other = Database.sqlite(path, configuration: .init(maxConnections: 1, busyTimeout: .zero))
        try await other.execute("INSERT INTO t VALUES (4)")
        try await db.execute("INSERT INTO t VALUES (5)")
        #expect(try await other.execute("SELECT count(*) FROM t").rows == [[.integer(5)]])
        await other.close()
        await db.close()
    }

    @Test func aSerialRunTakesRunsOnItsOneConnectionAndKeepsItsSessionAndOrder() async throws {
        let (db, recorder) = try await Self.database(connections: 2)
        // A temporary table exists on one connection only: every read sees it, so all ran on the session's.
        let sql = ["CREATE TEMP TABLE seen(x)", "INSERT INTO seen VALUES (7)"] + (0..<300).map { "SELECT x + \($0) FROM seen" }
        var options = Self.options(jobs: 2)
        options.serial = true
        let outcomes = await db.gather(Batch(sql: sql), options: options)
        #expect(outcomes.map(\.status) == Array(repeating: .ok, count: 302))
        #expect(outcomes[2...].enumerated().allSatisfy { i, o in o.rowSet?.rows == [[.integer(Int64(7 + i))]] })
        #expect(recorder.pipelines.contains { $0.count > 1 }, "no run held more than one query: \(recorder.pipelines)")
        #expect(recorder.pipelines.allSatisfy { $0 == Array($0.first!...$0.last!) }, "a run out of order: \(recorder.pipelines)")
        await db.close()
    }

    @Test func aSerialRunUnderFailFastStartsNothingAfterTheFailingStatement() async throws {
        let (db, recorder) = try await Self.database(connections: 1)
        // The session's connection is a database of its own (`:memory:`): the batch makes its table.
        let sql = ["CREATE TEMP TABLE u(x)"] + (1..<60).map { $0 == 20 ? "SELECT nope FROM u" : "SELECT count(*) FROM u" }
        var options = Self.options(jobs: 1)
        options.serial = true
        let outcomes = await db.gather(Batch(sql: sql), options: options)
        let failing = try #require(recorder.pipelines.first { $0.contains(20) }, "\(recorder.pipelines)")
        #expect(failing.last! > 20, "the failing query ended its run: \(recorder.pipelines)")
        #expect(outcomes[20].status == .error)
        #expect(outcomes[21...].allSatisfy { $0.status == .cancelled && $0.startOffset == nil })
        #expect(outcomes[..<20].allSatisfy { $0.status == .ok })
        await db.close()
    }

    @Test func cancellingTheTaskStopsTheStatementBeingSteppedAndTheRestOfItsRun() async throws {
        let (db, recorder) = try await Self.database(connections: 1)
        let runaway = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
        // Quick ones first so that the run deepens, then a runaway inside a run, then more.
        let sql = Array(repeating: "SELECT 1", count: 7) + [runaway] + Array(repeating: "SELECT 2", count: 20)
        let runawayStarted = Mutex(false)
        var options = Self.options(jobs: 1)
        options.onEvent = { event in
            if case .started(let query, _) = event, query.index == 7 { runawayStarted.withLock { $0 = true } }
        }
        let task = Task { [options] in await db.gather(Batch(sql: sql), options: options) }
        for _ in 0..<600 where !runawayStarted.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(50)) }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        let outcomes = await task.value
        #expect(recorder.pipelines.contains { $0.contains(7) && $0.count > 1 }, "\(recorder.pipelines)")
        #expect(outcomes[..<7].allSatisfy { $0.status == .ok })
        #expect(outcomes[7...].allSatisfy { $0.status == .cancelled })
        await db.close()
    }
}
