@testable import QGather
import Testing

/// The ordered stream holds the batch back while its reader is slow, instead of buffering every
/// delivered result (a paused `qgather ... | less` would otherwise grow without bound).
@Suite(.serialized, .timeLimit(.minutes(1)))
struct OutcomeStreamBackpressureTests {
    @Test func batchWaitsForAPausedReader() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 4))
        let count = 5000
        let batch = Batch(sql: (0..<count).map { "SELECT \($0)" })
        let stream = db.outcomes(batch, options: GatherOptions(jobs: 4))
        var iterator = stream.makeAsyncIterator()
        let first = await iterator.next()
        #expect(first?.status == .ok)
        let firstEnd = (first?.startOffset ?? .zero) + (first?.duration ?? .zero)  // from the batch's start
        try await Task.sleep(for: .milliseconds(300))  // the reader pauses
        var outcomes: [QueryOutcome] = []
        while let outcome = await iterator.next() { outcomes.append(outcome) }
        #expect(outcomes.count == count - 1)
        #expect(outcomes.allSatisfy { $0.status == .ok })
        // Without back-pressure the tiny queries all run during the pause. With it, the batch
        // stops once the window is full (jobs outcomes, plus one run's worth, plus the group being
        // delivered) and the runs in flight end (SQLite steps runs of up to `maxDepth` quick
        // queries per connection, one more starting as a group is delivered): about 450 here,
        // 580 seen. Every other query starts only after the reader is back; the bound below is
        // generous, and still a fifth of the batch.
        let aheadAtMost = 16 * PipelinePlanner.maxDepth
        let startedAfterPause = outcomes.filter { ($0.startOffset ?? .zero) >= firstEnd + .milliseconds(250) }.count
        #expect(startedAfterPause >= count - 1 - aheadAtMost,
                "only \(startedAfterPause) of \(count - 1) queries waited for the paused reader (at most \(aheadAtMost) may run ahead)")
        await db.close()
    }

    @Test func droppingThePausedReaderStillEndsTheBatch() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 2))
        do {
            let stream = db.outcomes(Batch(sql: (0..<100).map { "SELECT \($0)" }), options: GatherOptions(jobs: 2))
            var iterator = stream.makeAsyncIterator()
            _ = await iterator.next()
        }
        // The producer was waiting for the reader; with the reader gone it must not hang the pool.
        let outcomes = await db.gather(Batch(sql: ["SELECT 42"]), options: GatherOptions(jobs: 1))
        #expect(outcomes.first?.rowSet?.rows == [[.integer(42)]])
        await db.close()
    }
}
