import Foundation
@testable import QGather
import Testing

/// Faults on the server side, and cancellation at random points: what fails is the work the
/// fault hit, promptly, and the pool and the server are left clean.
@Suite(.timeLimit(.minutes(3)))
struct PostgresFaultTests {
    @Test func serverRestartedMidBatchFailsTheRunningQueriesAndTheSamePoolRecovers() async throws {
        let server = try await PrivatePostgresServer.start()
        defer { server.stop() }
        let app = "qgt_restart"
        let db = try Database.postgres(server.conninfo + " application_name=\(app)", configuration: .init(maxConnections: 4))
        let task = Task {
            await db.gather(Batch(sql: Array(repeating: "SELECT pg_sleep(60)", count: 4)), options: GatherOptions(jobs: 4, policy: .collect))
        }
        var active: Int64 = 0
        for _ in 0..<200 where active != 4 {
            try await Task.sleep(for: .milliseconds(50))
            active = try await TestDatabases.activeQueries(applicationName: app, conninfo: server.conninfo)
        }
        #expect(active == 4)

        let clock = ContinuousClock()
        let restarted = clock.now
        try await server.restart(mode: "fast")
        let outcomes = await task.value
        #expect(clock.now - restarted < .seconds(15))
        #expect(outcomes.map(\.status) == Array(repeating: .error, count: 4))
        for outcome in outcomes {
            #expect(outcome.error?.kind == .connectionLost)
            #expect(outcome.error?.message.isEmpty == false)
        }

        // The same pool, in the same process, serves the next batch on new connections.
        let after = await db.gather(Batch(sql: (0..<20).map { "SELECT \($0)" }), options: GatherOptions(jobs: 4))
        #expect(after.allSatisfy { $0.status == .ok }, "\(after.compactMap(\.error?.message))")
        #expect(after.map { $0.rowSet?.rows.first?.first } == (0..<20).map { Value.integer(Int64($0)) })
        #expect(db.pool.openConnections <= 4)
        await db.close()
    }

    @Test func cancelStormLeavesNoConnectionAndNoQueryBehind() async throws {
        let app = "qgt_storm_\(UInt32.random(in: 0...UInt32.max))"
        let db = try Database.postgres(try TestDatabases.postgresConninfo() + " application_name=\(app)", configuration: .init(maxConnections: 6))
        let warmUp = await db.gather(Batch(sql: (0..<6).map { "SELECT pg_sleep(0.05), \($0)" }), options: GatherOptions(jobs: 6))
        #expect(warmUp.allSatisfy { $0.status == .ok })
        let openBefore = db.pool.openConnections
        #expect(openBefore == 6)

        // Seeded, so a failure can be replayed: 200 gathers, each cancelled after 0–30 ms, in
        // the middle of connecting, queueing, pipelining or sleeping.
        var random = SplitMix64(seed: 0x5EED_0006)
        let batch = Batch(sql: (0..<24).map { $0 % 3 == 0 ? "SELECT pg_sleep(0.02)" : "SELECT \($0) AS n" })
        var cancelled = 0
        for round in 0..<200 {
            let policy: ErrorPolicy = round % 2 == 0 ? .failFast : .collect
            let options = GatherOptions(jobs: random.int(1...6), policy: policy)
            let delay = random.int(0...30_000)
            let task = Task { await db.gather(batch, options: options) }
            try await Task.sleep(for: .microseconds(delay))
            task.cancel()
            let outcomes = await task.value
            #expect(outcomes.map(\.query.index) == Array(0..<24))
            #expect(outcomes.allSatisfy { $0.status != .error }, "round \(round): \(outcomes.compactMap(\.error?.message))")
            cancelled += outcomes.filter { $0.status == .cancelled }.count
        }
        #expect(cancelled > 0)
        #expect(db.pool.openConnections <= openBefore)
        #expect(db.pool.idleConnections == db.pool.openConnections, "a connection is still leased")

        let watcher = try Database.postgres(try TestDatabases.postgresConninfo(), configuration: .init(maxConnections: 1))
        #expect(try await TestDatabases.activeQueries(applicationName: app) == 0)
        let backends = try await watcher.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = '\(unsafeRaw: app)'")
        #expect(try backends.value(Int64.self, row: 0, column: 0) == Int64(db.pool.openConnections), "the server holds connections the pool lost")
        // And the pool still works.
        let after = await db.gather(Batch(sql: ["SELECT 42"]), options: GatherOptions(jobs: 1))
        #expect(after[0].rowSet?.rows == [[.integer(42)]])
        await watcher.close()
        await db.close()
    }
}
