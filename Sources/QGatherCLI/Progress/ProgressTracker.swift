import QGather
import Synchronization

/// What the progress line shows at one moment.
struct ProgressSnapshot: Sendable, Equatable {
    /// A query that is running, and for how long so far.
    struct Running: Sendable, Equatable {
        let name: String
        let elapsed: Duration
    }

    /// Queries in the batch.
    var total: Int
    /// Queries whose outcome is known (any status).
    var done = 0
    /// Of those, the failed ones.
    var failed = 0
    /// Of those, the cancelled ones.
    var cancelled = 0
    /// The running queries, longest-running first.
    var running: [Running] = []
}

/// Counts a batch's `GatherEvent`s as they happen. `record` is the gather's `onEvent` handler:
/// called from the gather's tasks, it only updates a few counters under a lock.
final class ProgressTracker: Sendable {
    private struct State {
        var done = 0
        var failed = 0
        var cancelled = 0
        var running: [Int: (name: String, since: ContinuousClock.Instant)] = [:]
    }

    private let total: Int
    private let clock = ContinuousClock()
    private let state = Mutex(State())

    /// A tracker for a batch of `total` queries.
    init(total: Int) {
        self.total = total
    }

    /// Records one event.
    func record(_ event: GatherEvent) {
        let now = clock.now
        state.withLock { s in
            switch event {
            case .started(let query, _):
                s.running[query.index] = (query.name, now)
            case .finished(let outcome):
                s.running[outcome.query.index] = nil
                s.done += 1
                switch outcome.status {
                case .ok: break
                case .error, .failedCheck: s.failed += 1
                case .cancelled: s.cancelled += 1
                }
            }
        }
    }

    /// The state now, running queries longest-running first (ties by position).
    func snapshot() -> ProgressSnapshot {
        let now = clock.now
        return state.withLock { s in
            let running = s.running.sorted { a, b in a.value.since == b.value.since ? a.key < b.key : a.value.since < b.value.since }
            return ProgressSnapshot(total: total, done: s.done, failed: s.failed, cancelled: s.cancelled,
                                    running: running.map { .init(name: $0.value.name, elapsed: now - $0.value.since) })
        }
    }
}
