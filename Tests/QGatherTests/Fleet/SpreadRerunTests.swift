import Foundation
import Synchronization
@testable import QGather
import Testing

/// Spread over two writable PostgreSQL servers (Scripts/with-fleet's A and B): a read whose
/// connection broke after it was sent may have run, so it never runs again as a plain statement.
@Suite struct SpreadRerunTests {
    @Test func aReadThatWritesIsNeverRunAgainOnAnotherMemberAfterItsConnectionBroke() async throws {
        let environment = ProcessInfo.processInfo.environment
        let servers = [try #require(environment["QGATHER_TEST_FLEET_A"], "run the tests with ./Scripts/test, which starts the fleet"),
                       try #require(environment["QGATHER_TEST_FLEET_B"], "run the tests with ./Scripts/test, which starts the fleet")]
        let table = TestDatabases.uniqueTable("visits")
        for server in servers {
            let setup = try Database.postgres(server, configuration: .init(maxConnections: 1))
            try await setup.execute("""
                CREATE TABLE \(unsafeRaw: table) (x int);
                CREATE FUNCTION \(unsafeRaw: table)_log() RETURNS int LANGUAGE plpgsql AS $$
                BEGIN INSERT INTO \(unsafeRaw: table) VALUES (1); PERFORM pg_sleep(30); RETURN 1; END $$
                """)
            await setup.close()
        }
        let app = "qgt_spread_" + String(UInt32.random(in: 0...UInt32.max))
        let fleet = DatabaseFleet(try zip(["a", "b"], servers).map { label, server in
            FleetMember(label: label, database: try .postgres(server + " application_name=\(app)"))
        })
        // The watch starts once the query has: on a loaded machine the batch's task may start late.
        let started = Mutex(false)
        var gather = GatherOptions(jobs: 2)
        gather.onEvent = { event in if case .started = event { started.withLock { $0 = true } } }
        let options = FleetOptions(mode: .spread, gather: gather, perTarget: 1)
        let task = Task { await fleet.gather(Batch(sql: ["SELECT \(table)_log()"]), options: options) }
        for _ in 0..<1200 where !started.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(50)) }
        #expect(started.withLock { $0 }, "the query did not start within a minute")
        // One watcher per server, opened before the query can end; the function sleeps 30 s, so a
        // loaded machine that polls slowly still finds it running, and the kill ends it at once.
        let watchers = try servers.map { try Database.postgres($0, configuration: .init(maxConnections: 1)) }
        var terminated = 0
        let deadline = ContinuousClock.now + .seconds(30)
        while terminated == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            for watcher in watchers where terminated == 0 {
                let killed = try await watcher.execute("""
                    SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                    WHERE application_name = '\(unsafeRaw: app)' AND state = 'active' AND query LIKE 'SELECT \(unsafeRaw: table)_log()%'
                    """)
                terminated += Int(try killed.value(Int64.self, row: 0, column: 0))
            }
        }
        for watcher in watchers { await watcher.close() }
        #expect(terminated == 1)
        let outcomes = await task.value
        let error = try #require(outcomes[0].error)
        #expect(error.message.contains("not run again since it writes"), "\(error)")
        var rows: [Int64] = []
        for server in servers {
            let check = try Database.postgres(server, configuration: .init(maxConnections: 1))
            rows.append(try await check.execute("SELECT count(*) FROM \(unsafeRaw: table)").value(Int64.self, row: 0, column: 0))
            try await check.execute("DROP FUNCTION \(unsafeRaw: table)_log(); DROP TABLE \(unsafeRaw: table)")
            await check.close()
        }
        #expect(rows == [0, 0], "the function wrote \(rows) rows")
        await fleet.close()
    }
}
