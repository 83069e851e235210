import Foundation
import QGather
import Synchronization
import Testing

/// Records values from several tasks, in the order they arrive.
private final class OrderRecorder: Sendable {
    private let values = Mutex<[Int]>([])

    func record(_ value: Int) {
        values.withLock { $0.append(value) }
    }

    var recorded: [Int] { values.withLock { $0 } }
}

@Suite(.serialized, .timeLimit(.minutes(1)))
struct ConnectionPoolTests {
    @Test func poolNeverHoldsMoreThanItsMaximum() async {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 4))
        let batch = Batch(sql: (0..<200).map { "SELECT \($0)" })
        let outcomes = await db.gather(batch, options: GatherOptions(jobs: 16))
        #expect(outcomes.count == 200)
        #expect(outcomes.allSatisfy { $0.status == .ok })
        #expect(outcomes.map { $0.rowSet?.rows.first?.first } == (0..<200).map { Optional(Value.integer(Int64($0))) })
        #expect(db.pool.maxConnections == 4)
        #expect(db.pool.peakOpenConnections <= 4)
        #expect(db.pool.peakOpenConnections > 0)
        #expect(db.pool.openConnections <= 4)
        await db.close()
    }

    @Test func releasedConnectionIsReusedRatherThanReopened() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 3))
        let pool = db.pool
        let first = try await pool.lease()
        pool.release(first)
        #expect(pool.idleConnections == 1)
        let second = try await pool.lease()
        #expect(second === first)
        #expect(pool.openConnections == 1)
        #expect(pool.idleConnections == 0)
        pool.release(second)
        await db.close()
    }

    @Test func cancelledWaiterWithdrawsFromTheQueue() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 1))
        let pool = db.pool
        let held = try await pool.lease()
        let waiter = Task { try await pool.lease() }
        try await Task.sleep(for: .milliseconds(100))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }

        // The released connection goes back to the pool, not to the withdrawn waiter.
        pool.release(held)
        #expect(pool.idleConnections == 1)
        let again = try await pool.lease()
        #expect(again === held)
        #expect(pool.openConnections == 1)
        let rows = try await again.execute(Query("SELECT 7"), control: QueryControl())
        #expect(rows.rows == [[.integer(7)]])
        pool.release(again)
        await db.close()
    }

    @Test func waitersAreServedFirstComeFirstServed() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 1))
        let pool = db.pool
        let recorder = OrderRecorder()
        let held = try await pool.lease()
        var waiters: [Task<Void, any Error>] = []
        for i in 0..<5 {
            waiters.append(Task {
                let connection = try await pool.lease()
                recorder.record(i)
                try? await Task.sleep(for: .milliseconds(5))
                pool.release(connection)
            })
            // Let this waiter queue up before the next one asks.
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(recorder.recorded.isEmpty)
        pool.release(held)
        for waiter in waiters { try await waiter.value }
        #expect(recorder.recorded == [0, 1, 2, 3, 4])
        #expect(pool.openConnections == 1)
        await db.close()
    }

    @Test func failedConnectGivesItsSlotBackToTheNextWaiter() async {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("qgather-missing-\(UUID().uuidString).db").path
        let db = Database.sqlite(path, configuration: .init(maxConnections: 1))
        let outcomes = await db.gather(Batch(sql: ["SELECT 1", "SELECT 2", "SELECT 3"]), options: GatherOptions(jobs: 3, policy: .collect))
        #expect(outcomes.map(\.status) == [.error, .error, .error])
        #expect(outcomes.allSatisfy { $0.error?.kind == .connectionLost })
        #expect(outcomes.allSatisfy { $0.error?.message.contains("no such database file") == true })
        #expect(db.pool.openConnections == 0)
        #expect(!FileManager.default.fileExists(atPath: path))
        await db.close()
    }

    @Test func closedPoolRefusesLeases() async {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 1))
        await db.close()
        await #expect(throws: CancellationError.self) { try await db.pool.lease() }
    }
}
