import Synchronization

/// How far the producer of an `OutcomeStream` may run ahead of its consumer: it delivers only
/// while fewer than `capacity` outcomes wait unread (a group of outcomes that became ready
/// together goes in one piece, so the count may pass `capacity` by one group). The producer (one
/// task) waits in `acquire(_:)`; the consumer `release(_:)`s what it takes; `close()` (the
/// consumer went away) ends every wait for good.
final class DeliveryWindow: Sendable {
    private struct State {
        var unread = 0
        var waiter: (continuation: CheckedContinuation<Void, Never>, count: Int)?
        var closed = false
    }

    private let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Outcomes delivered and not yet taken by the consumer.
    var unreadCount: Int { state.withLock { $0.unread } }

    /// Waits until fewer than `capacity` outcomes are unread, then counts `count` more.
    func acquire(_ count: Int = 1) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now: Bool = state.withLock { s in
                if s.closed || s.unread < capacity {
                    s.unread += count
                    return true
                }
                s.waiter = (continuation, count)
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// The consumer took `count` outcomes: a waiting producer goes on once there is room.
    func release(_ count: Int = 1) {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { s in
            s.unread -= count
            guard let waiter = s.waiter, s.unread < capacity else { return nil }
            s.waiter = nil
            s.unread += waiter.count
            return waiter.continuation
        }
        waiter?.resume()
    }

    /// The consumer is gone: let the producer run to its end.
    func close() {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { s in
            s.closed = true
            defer { s.waiter = nil }
            return s.waiter?.continuation
        }
        waiter?.resume()
    }
}
