import QGather
import Synchronization
import Testing

/// Collects the events of a gather, in the order they were reported.
private final class EventLog: Sendable {
    /// One recorded event, reduced to what the tests compare.
    enum Entry: Equatable {
        case started(Int)
        case finished(Int, QueryOutcome.Status)
    }

    private let entries = Mutex<[Entry]>([])

    /// The handler to put in `GatherOptions.onEvent`.
    var handler: @Sendable (GatherEvent) -> Void {
        { [self] event in
            entries.withLock { log in
                switch event {
                case .started(let query, _): log.append(.started(query.index))
                case .finished(let outcome): log.append(.finished(outcome.query.index, outcome.status))
                }
            }
        }
    }

    /// Everything recorded so far.
    var all: [Entry] { entries.withLock { $0 } }
}

private func countTo(_ n: Int) -> String {
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < \(n)) SELECT count(*) FROM c"
}

/// `GatherOptions.onEvent`: the progress hook.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct GatherEventsTests {
    @Test func everyQueryStartsOnceAndFinishesOnceAfterItsStart() async {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 2))
        let log = EventLog()
        // Slow enough (seconds) that the quick ones get a turn of the cooperative pool even in a busy parallel test run.
        let batch = Batch(sql: [countTo(20_000_000), "SELECT 1", "SELECT 2", "SELECT 3"])
        let outcomes = await db.gather(batch, options: GatherOptions(jobs: 2, onEvent: log.handler))
        #expect(outcomes.map(\.status) == [.ok, .ok, .ok, .ok])
        let entries = log.all
        #expect(entries.count == 8)
        for index in 0..<4 {
            let start = entries.firstIndex(of: .started(index))
            let finish = entries.firstIndex(of: .finished(index, .ok))
            #expect(start != nil && finish != nil && start! < finish!, "query \(index): \(entries)")
            #expect(entries.filter { $0 == .started(index) }.count == 1)
        }
        // Events come in completion order: the fast queries finish while the slow one still runs.
        #expect(entries.firstIndex(of: .finished(3, .ok))! < entries.firstIndex(of: .finished(0, .ok))!)
        await db.close()
    }

    @Test func startsReportTheOffsetTheOutcomeRecords() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 1))
        let offsets = Mutex<[Int: Duration]>([:])
        let options = GatherOptions(jobs: 1, onEvent: { event in
            if case .started(let query, let at) = event { offsets.withLock { $0[query.index] = at } }
        })
        let outcomes = await db.gather(Batch(sql: [countTo(200_000), "SELECT 1"]), options: options)
        for outcome in outcomes {
            let reported = try #require(offsets.withLock { $0[outcome.query.index] })
            #expect(reported == outcome.startOffset)
        }
        await db.close()
    }

    @Test func queriesNeverStartedByFailFastFinishAsCancelledWithoutStarting() async {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 1))
        let log = EventLog()
        let batch = Batch(sql: ["SELECT * FROM missing_table", "SELECT 1", "SELECT 2"])
        let outcomes = await db.gather(batch, options: GatherOptions(jobs: 1, policy: .failFast, onEvent: log.handler))
        #expect(outcomes.map(\.status) == [.error, .cancelled, .cancelled])
        #expect(log.all == [.started(0), .finished(0, .error), .finished(1, .cancelled), .finished(2, .cancelled)])
        await db.close()
    }

    @Test func withoutAHandlerNothingChanges() async {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 2))
        let options = GatherOptions(jobs: 2, policy: .collect)
        #expect(options.onEvent == nil)
        let outcomes = await db.gather(Batch(sql: ["SELECT 1", "SELECT nope", "SELECT 3"]), options: options)
        #expect(outcomes.map(\.status) == [.ok, .error, .ok])
        await db.close()
    }
}
