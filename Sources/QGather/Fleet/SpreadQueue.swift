import Synchronization

/// The queries of a spread batch waiting for a member: taken in order by whichever member has a
/// free connection. A query its member could not run (the member is down, or its connection was
/// lost before any row was read) comes back, and is never given to that member again.
final class SpreadQueue: Sendable {
    /// What a member's worker does next.
    enum Take: Equatable {
        /// Run the query at this index.
        case run(Int)
        /// Nothing for this member now, but a query still running elsewhere may come back.
        case wait
        /// Nothing left for this member.
        case done
    }

    private struct State {
        var next = 0
        var requeued: [Int] = []
        var excluded: [Int: Set<Int>] = [:]
        var down = Set<Int>()
        var running = 0
        var lost = Set<Int>()
    }

    private let state = Mutex(State())
    private let count: Int
    private let memberCount: Int

    /// A queue of query indices `0..<count` for `memberCount` members.
    init(count: Int, memberCount: Int) {
        self.count = count
        self.memberCount = memberCount
    }

    /// The next query `member` may run.
    func take(for member: Int) -> Take {
        state.withLock { s in
            if s.down.contains(member) { return .done }
            if let i = s.requeued.firstIndex(where: { s.excluded[$0]?.contains(member) != true }) {
                s.running += 1
                return .run(s.requeued.remove(at: i))
            }
            if s.next < count {
                s.running += 1
                defer { s.next += 1 }
                return .run(s.next)
            }
            return s.running > 0 || !s.requeued.isEmpty ? .wait : .done
        }
    }

    /// Whether the query at `index` came back from a member whose connection broke after it
    /// was sent (it may have run there).
    func wasLost(_ index: Int) -> Bool {
        state.withLock { $0.lost.contains(index) }
    }

    /// The query at `index` is finished (its outcome is final).
    func finished(_ index: Int) {
        state.withLock { $0.running -= 1 }
    }

    /// Gives `index` back for another member than `member` (`memberDown`: `member` gets nothing
    /// more; `mayHaveRun`: it was sent before the connection broke). Returns false, and keeps
    /// it, if no member still up may run it: its outcome stands.
    func putBack(_ index: Int, from member: Int, memberDown: Bool, mayHaveRun: Bool = false) -> Bool {
        state.withLock { s in
            if memberDown { s.down.insert(member) }
            if mayHaveRun { s.lost.insert(index) }
            s.excluded[index, default: []].insert(member)
            let excluded = s.excluded[index]!
            guard (0..<memberCount).contains(where: { !excluded.contains($0) && !s.down.contains($0) }) else { return false }
            s.running -= 1
            s.requeued.append(index)
            return true
        }
    }

    /// Marks `member` down; returns the queries waiting that no member still up may run (their
    /// callers fail them), taking them off the queue.
    func memberDown(_ member: Int) -> [Int] {
        state.withLock { s in
            s.down.insert(member)
            let up = (0..<memberCount).filter { !s.down.contains($0) }
            var stranded = s.requeued.filter { index in up.allSatisfy { s.excluded[index]?.contains($0) == true } }
            if up.isEmpty {
                stranded = s.requeued + Array(s.next..<count)
                s.next = count
            }
            s.requeued.removeAll { stranded.contains($0) }
            return stranded
        }
    }
}
