import Synchronization

/// A cancellation that may be asked for before there is anything to cancel: `fire()` before
/// `arm(_:)` cancels as soon as it is armed. (A sink's write can fail before the batch's
/// stream exists.)
final class CancelLatch: Sendable {
    private struct State {
        var fired = false
        var action: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    /// Asks for the cancellation.
    func fire() {
        let action = state.withLock { state -> (@Sendable () -> Void)? in
            state.fired = true
            return state.action
        }
        action?()
    }

    /// Sets what cancelling does; runs it now if it was already asked for.
    func arm(_ action: @escaping @Sendable () -> Void) {
        let fired = state.withLock { state -> Bool in
            state.action = action
            return state.fired
        }
        if fired { action() }
    }
}
