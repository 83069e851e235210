import Foundation
@testable import QGather
import Synchronization
import Testing

/// The head query's rows stream to a sink as they are read; later queries wait their turn.
@Suite(.timeLimit(.minutes(1))) struct RowStreamingTests {
    /// Records what reaches the sink, and checks it never interleaves queries.
    final class RecordingSink: RowStreamSink {
        struct Event: Equatable {
            let index: Int
            let rows: Int
            let isBegin: Bool
        }

        private let events = Mutex<[Event]>([])
        private let delivered = Mutex<Int>(0)
        private let violations = Mutex<[String]>([])

        func begin(_ query: Query, columns: [Column], realRendering: RealRendering) {
            check(query)
            events.withLock { $0.append(Event(index: query.index, rows: 0, isBegin: true)) }
        }

        func rows(_ rows: RowChunk, of query: Query, realRendering: RealRendering) {
            check(query)
            events.withLock { $0.append(Event(index: query.index, rows: rows.rowCount, isBegin: false)) }
        }

        /// Rows of query i may only arrive once outcomes 0..<i have been consumed.
        private func check(_ query: Query) {
            let consumed = delivered.withLock { $0 }
            if query.index > consumed { violations.withLock { $0.append("rows of q\(query.index) before outcome \(consumed) was consumed") } }
        }

        func consumed(_ outcome: QueryOutcome) { delivered.withLock { $0 = outcome.query.index + 1 } }
        var recorded: [Event] { events.withLock { $0 } }
        var problems: [String] { violations.withLock { $0 } }
    }

    static func counting(_ n: Int, slow: Bool = false) -> String {
        let pad = slow ? ", (WITH RECURSIVE d(y) AS (SELECT 1 UNION ALL SELECT y + 1 FROM d WHERE y < 20) SELECT max(y) FROM d)" : ""
        return "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < \(n)) SELECT x\(pad) FROM c"
    }

    @Test func headQueryStreamsAndEveryRowArrivesExactlyOnceInOrder() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 3))
        let sink = RecordingSink()
        let batch = Batch(sql: [Self.counting(300_000, slow: true), Self.counting(5_000), Self.counting(7)])
        var outcomes: [QueryOutcome] = []
        for await outcome in db.outcomes(batch, options: GatherOptions(jobs: 3), streamingRowsTo: sink) {
            outcomes.append(outcome)
            sink.consumed(outcome)
        }
        #expect(sink.problems.isEmpty, "\(sink.problems)")
        #expect(outcomes.map(\.query.index) == [0, 1, 2])
        let sets = try outcomes.map { try $0.get() }
        #expect(sets[0].streamedRowCount == 300_000 && sets[0].heldRowCount == 0)
        for (i, expected) in [300_000, 5_000, 7].enumerated() {
            let streamed = sink.recorded.filter { $0.index == i }.reduce(0) { $0 + $1.rows }
            #expect(streamed + sets[i].heldRowCount == expected, "q\(i + 1): \(streamed) streamed + \(sets[i].heldRowCount) held")
            #expect(streamed == sets[i].streamedRowCount)
            #expect(sets[i].rowCount == expected)
        }
        // Queries 1 and 2 finished while query 0 streamed: they kept their rows for their turn.
        #expect(sets[2].heldRowCount == 7 && sets[2].rows.last == [.integer(7)])
        let order = sink.recorded.map(\.index)
        #expect(order == order.sorted(), "events interleave queries: \(order)")
        await db.close()
    }

    @Test func withoutASinkRowsAreHeldCompactlyAndDecodeLazily() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 1))
        let rows = try await db.execute("SELECT x, x * 0.5, 'v' || x, NULL, x'00ff' FROM (\(unsafeRaw: Self.counting(70_000)))")
        #expect(rows.chunks.count == 2)  // a new chunk every 65,536 rows
        #expect(rows.rowCount == 70_000)
        #expect(rows.rows[69_999] == [.integer(70_000), .real(35_000), .text("v70000"), .null, .blob([0x00, 0xff])])
        #expect(rows.rows[0][1] == .real(0.5))
        await db.close()
    }
}
