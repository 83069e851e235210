@testable import QGatherCLI
import QGather
import Testing

/// The progress line's text, fitting and colours.
@Suite struct ProgressLineTests {
    static let snapshot = ProgressSnapshot(total: 17, done: 3, failed: 1, cancelled: 0, running: [
        .init(name: "order_sequence_stats", elapsed: .milliseconds(2150)),
        .init(name: "frequently_bought_together", elapsed: .milliseconds(1830)),
        .init(name: "referral_network", elapsed: .milliseconds(40)),
    ])

    @Test func showsDoneTotalFailuresAndRunningQueriesWithElapsedTime() {
        #expect(ProgressLine.render(Self.snapshot, width: 200, color: false)
                == "3/17 done, 1 failed | running: order_sequence_stats 2.1s, frequently_bought_together 1.8s, referral_network 0.0s")
    }

    @Test func fitsTheWidthWithACountOfTheRest() {
        let line = ProgressLine.render(Self.snapshot, width: 80, color: false)
        #expect(line == "3/17 done, 1 failed | running: order_sequence_stats 2.1s, +2 more")
        let narrow = ProgressLine.render(Self.snapshot, width: 40, color: false)
        #expect(narrow == "3/17 done, 1 failed | running: +3 more")
        for width in 10...120 {
            #expect(DisplayWidth.of(ProgressLine.render(Self.snapshot, width: width, color: false)) <= max(10, width - 1))
        }
    }

    @Test func showsCancelledAndNothingRunning() {
        let snapshot = ProgressSnapshot(total: 4, done: 4, failed: 1, cancelled: 2, running: [])
        #expect(ProgressLine.render(snapshot, width: 80, color: false) == "4/4 done, 1 failed, 2 cancelled")
    }

    @Test func coloursOnlyWhenAsked() {
        let coloured = ProgressLine.render(Self.snapshot, width: 200, color: true)
        #expect(coloured.contains("\u{1B}[31m1 failed\u{1B}[0m"))
        #expect(coloured.contains("\u{1B}[36morder_sequence_stats\u{1B}[0m"))
        #expect(!ProgressLine.render(Self.snapshot, width: 200, color: false).contains("\u{1B}"))
        let noFailures = ProgressSnapshot(total: 2, done: 1, failed: 0, cancelled: 0, running: [])
        #expect(!ProgressLine.render(noFailures, width: 80, color: true).contains("\u{1B}[31m"))
    }

    @Test func elapsedTimesReadNaturally() {
        #expect(ProgressLine.elapsed(.milliseconds(40)) == "0.0s")
        #expect(ProgressLine.elapsed(.milliseconds(12_390)) == "12.3s")
        #expect(ProgressLine.elapsed(.seconds(125)) == "2m05s")
    }

    @Test func trackerCountsEventsAndOrdersRunningQueriesByStart() {
        let tracker = ProgressTracker(total: 3)
        let queries = [Query("SELECT 1", name: "a", index: 0), Query("SELECT 2", name: "b", index: 1), Query("SELECT 3", name: "c", index: 2)]
        tracker.record(.started(queries[1], at: .zero))
        tracker.record(.started(queries[0], at: .zero))
        tracker.record(.started(queries[2], at: .zero))
        tracker.record(.finished(QueryOutcome(query: queries[0], result: .failed(QueryError(kind: .database, code: "x", message: "boom")))))
        var snapshot = tracker.snapshot()
        #expect(snapshot.total == 3 && snapshot.done == 1 && snapshot.failed == 1 && snapshot.cancelled == 0)
        #expect(snapshot.running.map(\.name) == ["b", "c"])
        tracker.record(.finished(QueryOutcome(query: queries[1], result: .cancelled)))
        tracker.record(.finished(QueryOutcome(query: queries[2], result: .rows(RowSet(columns: [], rows: [])))))
        snapshot = tracker.snapshot()
        #expect(snapshot.done == 3 && snapshot.failed == 1 && snapshot.cancelled == 1 && snapshot.running.isEmpty)
    }
}
