import Foundation
import Synchronization
@testable import QGather
import Testing

@Suite struct DatabaseFleetTests {
    /// `count` SQLite files, file *i* holding a table `t` of *i* + 1 rows.
    private static func tenants(_ count: Int) async throws -> (fleet: DatabaseFleet, cleanup: @Sendable () -> Void) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qgather-fleet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var members: [FleetMember] = []
        for i in 0..<count {
            let path = directory.appendingPathComponent("tenant\(i).db").path
            let setup = Database.sqlite(path, configuration: .init(maxConnections: 1, createIfMissing: true))
            try await setup.execute("CREATE TABLE t(n INTEGER); WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < \(i + 1)) INSERT INTO t SELECT x FROM c")
            await setup.close()
            let database = Database.sqlite(path)
            members.append(FleetMember(label: database.label, database: database))
        }
        // Scratch files: one left behind in the temporary directory changes nothing a test checks.
        return (DatabaseFleet(members), { try? FileManager.default.removeItem(at: directory) })
    }

    @Test func fanOutMergesEveryQueryInQueryOrderAndTargetOrder() async throws {
        let (fleet, cleanup) = try await Self.tenants(5)
        defer { cleanup() }
        let outcomes = await fleet.gather(Batch(sql: ["SELECT count(*) AS n FROM t", "SELECT max(n) AS top FROM t"]),
                                          options: FleetOptions(gather: GatherOptions(jobs: 3), perTarget: 2))
        #expect(outcomes.map(\.query.name) == ["q1", "q2"])
        let counts = try outcomes[0].get()
        #expect(counts.columns.map(\.name) == ["target", "n"])
        #expect(counts.rows == (0..<5).map { [.text("tenant\($0)"), .integer(Int64($0 + 1))] })
        #expect(outcomes[1].targets.map(\.label) == (0..<5).map { "tenant\($0)" })
        #expect(outcomes[1].targets[4].rowSet?.rows == [[.integer(5)]])
        await fleet.close()
    }

    @Test func connectionsAtWorkNeverPassJobsAcrossTargets() async throws {
        let (fleet, cleanup) = try await Self.tenants(6)
        defer { cleanup() }
        let peak = Mutex(0)
        let watching = Mutex(true)
        // Leased (or opening) connections summed over every target's pool, sampled meanwhile.
        let watcher = Task.detached {
            while watching.withLock({ $0 }) {
                let busy = fleet.members.reduce(0) { $0 + $1.database.pool.openConnections - $1.database.pool.idleConnections }
                peak.withLock { $0 = max($0, busy) }
                // Throws only when cancelled, and nothing cancels the watcher: the loop ends on its flag.
                try? await Task.sleep(for: .microseconds(200))
            }
        }
        let slow = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000) SELECT count(*) FROM c"
        let outcomes = await fleet.gather(Batch(sql: Array(repeating: slow, count: 4)),
                                          options: FleetOptions(gather: GatherOptions(jobs: 3), perTarget: 2))
        watching.withLock { $0 = false }
        await watcher.value
        #expect(outcomes.allSatisfy { $0.status == .ok })
        let most = peak.withLock { $0 }
        #expect(most <= 3)
        #expect(most >= 2)
        for member in fleet.members { #expect(member.database.pool.openConnections == 0, "\(member.label) kept connections open") }
        await fleet.close()
    }

    @Test func cancellingAFanOutReturnsOnlyOnceEveryQueryHasStopped() async throws {
        let (fleet, cleanup) = try await Self.tenants(2)
        defer { cleanup() }
        let runaway = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
        let task = Task { await fleet.gather(Batch(sql: [runaway, runaway]), options: FleetOptions(gather: GatherOptions(jobs: 4), perTarget: 2)) }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        let outcomes = await task.value
        #expect(outcomes.allSatisfy { $0.status == .cancelled })
        for member in fleet.members {
            #expect(member.database.pool.openConnections == member.database.pool.idleConnections, "\(member.label) still runs a query")
        }
        await fleet.close()
    }

    @Test func failFastCancelsEveryTargetAndCollectKeepsEachPairsSlot() async throws {
        let (fleet, cleanup) = try await Self.tenants(3)
        defer { cleanup() }
        let batch = Batch(sql: ["SELECT count(*) FROM t", "SELECT * FROM missing_table", "SELECT 1"])
        let collected = await fleet.gather(batch, options: FleetOptions(gather: GatherOptions(jobs: 2, policy: .collect)))
        #expect(collected.map(\.status) == [.ok, .error, .ok])
        #expect(collected[1].targets.allSatisfy { $0.error?.message.contains("missing_table") == true })
        let failFast = await fleet.gather(batch, options: FleetOptions(gather: GatherOptions(jobs: 1), perTarget: 1))
        #expect(failFast[1].status == .error)
        #expect(failFast[1].targets.allSatisfy { $0.status != .ok })
        #expect(failFast[2].targets.allSatisfy { $0.status == .cancelled })
        await fleet.close()
    }

    @Test func aTargetThatCannotBeOpenedFailsOnlyItsOwnPairs() async throws {
        let (fleet, cleanup) = try await Self.tenants(2)
        defer { cleanup() }
        let broken = FleetMember(label: "gone", database: Database.sqlite("/nonexistent/qgather/gone.db"))
        let mixed = DatabaseFleet([fleet.members[0], broken, fleet.members[1]])
        let outcomes = await mixed.gather(Batch(sql: ["SELECT count(*) FROM t"]), options: FleetOptions(gather: GatherOptions(policy: .collect)))
        #expect(outcomes[0].targets.map(\.status) == [.ok, .error, .ok])
        #expect(outcomes[0].targets[1].error?.code == .connect)
        #expect(outcomes[0].rowSet?.rowCount == 2)
        await mixed.close()
    }

    @Test func aThousandFilesRunWithDescriptorsBoundedByJobs() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qgather-fleet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Scratch files: one left behind in the temporary directory changes nothing a test checks.
        defer { try? FileManager.default.removeItem(at: directory) }
        let template = directory.appendingPathComponent("template.db").path
        let setup = Database.sqlite(template, configuration: .init(maxConnections: 1, createIfMissing: true))
        try await setup.execute("CREATE TABLE t(n); INSERT INTO t VALUES (1)")
        await setup.close()
        var members: [FleetMember] = []
        for i in 0..<1000 {
            let path = directory.appendingPathComponent("t\(i).db").path
            try FileManager.default.copyItem(atPath: template, toPath: path)
            members.append(FleetMember(label: "t\(i)", database: Database.sqlite(path)))
        }
        let fleet = DatabaseFleet(members)
        let before = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
        let outcomes = await fleet.gather(Batch(sql: ["SELECT count(*) FROM t", "SELECT n FROM t"]), options: FleetOptions(gather: GatherOptions(jobs: 4)))
        #expect(outcomes.allSatisfy { $0.status == .ok })
        #expect(outcomes[0].rowSet?.rowCount == 1000)
        let after = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
        #expect(after - before < 40, "descriptors grew from \(before) to \(after)")
        await fleet.close()
    }

    @Test func spreadRunsEachQueryOnceAndNamesTheMemberThatServedIt() async throws {
        let (fleet, cleanup) = try await Self.tenants(1)
        defer { cleanup() }
        let copy = FleetMember(label: "copy", database: Database.sqlite(fleet.members[0].database.pathForTests))
        let spread = DatabaseFleet([fleet.members[0], copy])
        let batch = Batch(sql: Array(repeating: "SELECT count(*) FROM t", count: 40))
        let outcomes = await spread.gather(batch, options: FleetOptions(mode: .spread, gather: GatherOptions(jobs: 4), perTarget: 2))
        #expect(outcomes.map(\.query.index) == Array(0..<40))
        #expect(outcomes.allSatisfy { $0.status == .ok && $0.targets.isEmpty && $0.rowSet?.rows == [[.integer(1)]] })
        #expect(Set(outcomes.compactMap(\.servedBy)) == ["tenant0", "copy"])
        let writes = await spread.gather(Batch(sql: ["SELECT 1", "DELETE FROM t"]), options: FleetOptions(mode: .spread))
        #expect(writes.allSatisfy { $0.error?.code == .writeRefused })
        #expect(writes[0].error?.message.contains("q2: spread runs reads only") == true)
        #expect(try await fleet.members[0].database.execute("SELECT count(*) FROM t").rows == [[.integer(1)]])
        await spread.close()
    }

    @Test func spreadMovesAQueryOffAMemberThatCannotBeOpened() async throws {
        let (fleet, cleanup) = try await Self.tenants(1)
        defer { cleanup() }
        let gone = FleetMember(label: "gone", database: Database.sqlite("/nonexistent/qgather/gone.db"))
        let spread = DatabaseFleet([gone, fleet.members[0]])
        let outcomes = await spread.gather(Batch(sql: Array(repeating: "SELECT count(*) FROM t", count: 10)),
                                           options: FleetOptions(mode: .spread, gather: GatherOptions(jobs: 4)))
        #expect(outcomes.allSatisfy { $0.status == .ok && $0.servedBy == "tenant0" })
        await spread.close()
    }
}

extension Database {
    /// A SQLite database's path (tests only).
    var pathForTests: String { (driver as! SQLiteDriver).path }
}
