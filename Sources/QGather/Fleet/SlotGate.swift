import Synchronization

/// Caps the connections at work across several databases (a fleet's `--jobs`): a query takes a
/// slot before it leases a connection of its target's pool and gives it back after. Waiters are
/// served first come, first served; a waiter whose task is cancelled withdraws.
package final class SlotGate: Sendable {
    private struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<Void, Error>
    }

    private struct State {
        var free: Int
        var waiters: [Waiter] = []
        var nextID = 0
    }

    private let state: Mutex<State>
    /// The most slots held at once.
    package let capacity: Int

    /// A gate of `capacity` (at least 1) slots.
    package init(capacity: Int) {
        self.capacity = max(1, capacity)
        state = Mutex(State(free: max(1, capacity)))
    }

    /// Takes a slot, waiting for one; throws `CancellationError` if the task is cancelled meanwhile.
    package func acquire() async throws {
        let id: Int? = state.withLock { s in
            if s.free > 0 {
                s.free -= 1
                return nil
            }
            defer { s.nextID += 1 }
            return s.nextID
        }
        guard let id else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
                enum Registration { case refused, granted, queued }
                let registration: Registration = state.withLock { s in
                    if Task.isCancelled { return .refused }
                    if s.free > 0 {
                        s.free -= 1
                        return .granted
                    }
                    s.waiters.append(Waiter(id: id, continuation: continuation))
                    return .queued
                }
                switch registration {
                case .refused: continuation.resume(throwing: CancellationError())
                case .granted: continuation.resume()
                case .queued: break
                }
            }
        } onCancel: {
            let waiter: Waiter? = state.withLock { s in
                guard let i = s.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return s.waiters.remove(at: i)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Gives a slot back (to the longest waiter, if any).
    package func release() {
        let waiter: Waiter? = state.withLock { s in
            if !s.waiters.isEmpty { return s.waiters.removeFirst() }
            s.free += 1
            return nil
        }
        waiter?.continuation.resume()
    }

    /// Slots free now (for tests).
    package var freeSlots: Int { state.withLock { $0.free } }
}
