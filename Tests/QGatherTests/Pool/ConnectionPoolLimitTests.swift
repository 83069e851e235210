import Foundation
import QGather
import Synchronization
import Testing

/// A driver over one in-memory SQLite database that refuses every connection after the first
/// `limit` open at once, like a server at `max_connections`.
private final class LimitedDriver: DatabaseDriver {
    private let inner = SQLiteDriver(path: ":memory:")
    private let limit: Int
    private let opened = Atomic<Int>(0)
    let refusals = Atomic<Int>(0)

    init(limit: Int) {
        self.limit = limit
    }

    var dialect: SQLDialect { .sqlite }
    var displayName: String { "limited" }

    func connect() async throws(DatabaseOpenError) -> any DatabaseConnection {
        if opened.add(1, ordering: .relaxed).newValue > limit {
            refusals.add(1, ordering: .relaxed)
            throw DatabaseOpenError(target: displayName, message: "too many connections")
        }
        return try await inner.connect()
    }

    func sessionDriver(_ mode: SessionMode, setup: [String]) -> any DatabaseDriver {
        inner.sessionDriver(mode, setup: setup)
    }
}

@Suite(.serialized, .timeLimit(.minutes(1)))
struct ConnectionPoolLimitTests {
    @Test func refusedConnectionsShrinkThePoolInsteadOfFailingQueries() async {
        let driver = LimitedDriver(limit: 2)
        let db = Database(driver: driver, maxConnections: 8)
        let batch = Batch(sql: (0..<40).map { "SELECT \($0)" })
        let outcomes = await db.gather(batch, options: GatherOptions(jobs: 8, policy: .collect))
        #expect(outcomes.map(\.status) == Array(repeating: .ok, count: 40))
        #expect(outcomes.map { $0.rowSet?.rows.first?.first } == (0..<40).map { Value.integer(Int64($0)) })
        #expect(db.pool.openConnections == 2)
        // Once refused, the pool stops asking: a handful of refusals, not one per query.
        #expect(driver.refusals.load(ordering: .relaxed) <= 8)
        await db.close()
    }

    @Test func aDatabaseThatRefusesEveryConnectionStillFailsEveryQuery() async {
        let db = Database(driver: LimitedDriver(limit: 0), maxConnections: 4)
        let outcomes = await db.gather(Batch(sql: ["SELECT 1", "SELECT 2", "SELECT 3"]), options: GatherOptions(jobs: 3, policy: .collect))
        #expect(outcomes.map(\.status) == [.error, .error, .error])
        #expect(outcomes.allSatisfy { $0.error?.message.contains("too many connections") == true })
        #expect(db.pool.openConnections == 0)
        await db.close()
    }
}
