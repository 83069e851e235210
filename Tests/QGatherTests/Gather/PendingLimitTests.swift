@testable import QGather
import Synchronization
import Testing

/// Outcomes that finish behind a slower earlier query wait for it, but only so many: then no more
/// queries start until it is done, so memory does not grow with the batch.
@Suite(.timeLimit(.minutes(2)))
struct PendingLimitTests {
    @Test func aSlowFirstQueryHoldsBackAtMostTheLimitOfFinishedOnes() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 2))
        let slow = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT count(*) FROM c"
        let quick = 20_000
        let batch = Batch(sql: [slow] + Array(repeating: "SELECT 1", count: quick))
        let counts = Mutex((started: 0, startedWhenTheFirstEnded: -1))
        var options = GatherOptions(jobs: 2)
        options.onEvent = { event in
            counts.withLock { c in
                switch event {
                case .started: c.started += 1
                case .finished(let outcome) where outcome.query.index == 0: c.startedWhenTheFirstEnded = c.started
                default: break
                }
            }
        }
        let outcomes = await db.gather(batch, options: options)
        #expect(outcomes.map(\.query.index) == Array(0...quick))
        #expect(outcomes.allSatisfy { $0.status == .ok })
        #expect(outcomes[0].rowSet?.rows == [[.integer(3_000_000)]])
        let started = counts.withLock { $0.startedWhenTheFirstEnded }
        // The limit, plus what was already running (a run of at most `maxDepth` on the other connection).
        #expect(started > 0 && started <= Gatherer.pendingLimit + PipelinePlanner.maxDepth + 1 && started < quick / 2,
                "\(started) started before the first ended")
        await db.close()
    }
}
