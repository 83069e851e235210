import Foundation
import QGather
import Synchronization

/// Longest first for one run: the start order from the duration history of its target, and
/// the history brought up to date with the run's durations afterwards.
final class HistorySchedule: Sendable {
    private let history: Mutex<DurationHistory>
    private let identity: String
    private let queries: Batch.Queries
    /// The history's key of each query it holds as long (the ones that moved), by index.
    private let knownLong: [Int: UInt64]
    /// The start order, or nil for file order.
    let order: [Int]?
    /// What `--timing` says of the order.
    let note: String
    /// The file was damaged: it is written anew even when no duration is worth recording.
    private let startsOver: Bool

    /// The schedule of `queries` on `target`; a damaged history is said on stderr and ignored.
    init(target: TargetOptions.Target, queries: Batch.Queries) {
        let identity: String
        switch target {
        case .sqlite(let path): identity = "sqlite " + (path.hasPrefix("file:") || path == ":memory:" ? path : URL(fileURLWithPath: path).standardizedFileURL.path)
        case .postgres(let conninfo): identity = "postgres " + ((try? Database.postgres(conninfo))?.label ?? "")
        }
        let (history, warning) = DurationHistory.load(from: DurationHistory.defaultURL())
        if let warning { StandardError.fail(warning) }
        startsOver = warning != nil
        // No key is kept for a query the history does not hold as long: a batch of millions
        // of quick queries costs nothing per query here.
        var knownLong: [Int: UInt64] = [:]
        var long: [(index: Int, duration: Duration)] = []
        if !history.entries.isEmpty {
            let targetHash = DurationHistory.targetHash(identity)
            queries.forEachSQL { index, sql in
                let key = DurationHistory.key(sqlBytes: sql, targetHash: targetHash)
                guard let expected = history.expected(key), expected >= StartSchedule.longQuery else { return }
                knownLong[index] = key
                long.append((index, expected))
            }
        }
        let planned = StartSchedule.longestFirst(count: queries.count, long: long)
        self.history = Mutex(history)
        self.identity = identity
        self.queries = queries
        self.knownLong = knownLong
        order = planned?.order
        note = planned.map { "order: longest first (\($0.moved) of \(queries.count) queries moved to the front by earlier runs' times)" }
            ?? "order: file order (no query took 10 ms or more in an earlier run)"
    }

    /// Whether a duration changes what the history says: a long one (it may move its query
    /// forward next time), or a quick one of a statement the history holds as long (it moves it
    /// back). The others are not kept, so a batch of millions of quick queries adds nothing per
    /// query, and quick entries do not crowd long ones out of the history's 20,000.
    func worthRecording(index: Int, duration: Duration) -> Bool {
        duration >= StartSchedule.longQuery || knownLong[index] != nil
    }

    /// Records the run's durations and saves the history (a failure to save is a warning).
    func record(_ durations: [(index: Int, duration: Duration)]) {
        guard !durations.isEmpty || startsOver else { return }
        let warning = history.withLock { history in
            for (index, duration) in durations {
                history.record(knownLong[index] ?? DurationHistory.key(queries[index], target: identity), duration)
            }
            return history.save()
        }
        if let warning { StandardError.fail(warning) }
    }
}
