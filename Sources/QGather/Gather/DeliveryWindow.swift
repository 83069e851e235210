import Synchronization

/// How far the producer of an `OutcomeStream` may run ahead of its consumer: at most
/// `capacity` delivered outcomes wait unread. The producer (one task) waits in `acquire()`;
/// each outcome the consumer takes `release()`s one place; `close()` (the consumer went
/// away) ends every wait for good.
final class DeliveryWindow: Sendable {
    private struct State {
        var unread = 0
        var waiter: CheckedContinuation<Void, Never>?
        var closed = false
    }

    private let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Waits until fewer than `capacity` outcomes are unread, then counts one more.
    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now: Bool = state.withLock { s in
                if s.closed || s.unread < capacity {
                    s.unread += 1
                    return true
                }
                s.waiter = continuation
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// The consumer took an outcome: its place goes to the waiting producer, if any.
    func release() {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { s in
            if let waiter = s.waiter {
                s.waiter = nil
                return waiter  // the place passes on: `unread` stays
            }
            s.unread -= 1
            return nil
        }
        waiter?.resume()
    }

    /// The consumer is gone: let the producer run to its end.
    func close() {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { s in
            s.closed = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }
}
