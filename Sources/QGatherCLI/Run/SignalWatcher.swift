import Dispatch
import Foundation
import Synchronization

/// Turns SIGINT and SIGTERM into a cancellation of the running batch. A second signal exits at once.
final class SignalWatcher {
    private final class FirstSignal: Sendable {
        let value = Atomic<Int32>(0)
    }

    private var sources: [any DispatchSourceSignal] = []
    private let first = FirstSignal()

    /// Starts watching; `onSignal` runs once, on the first signal. Returns once the signals are
    /// caught, so that a batch never starts while a Ctrl-C could still go astray.
    init(onSignal: @escaping @Sendable () -> Void) {
        let registered = DispatchGroup()
        for signalNumber in [SIGINT, SIGTERM] {
            #if canImport(Darwin)
            Foundation.signal(signalNumber, SIG_IGN)  // kqueue reports the signal; its default action must not run
            #endif
            // On Linux libdispatch installs its own handler (feeding a signalfd) when the source is
            // registered. Setting SIG_IGN first, as on Darwin, dropped a signal that arrived before
            // that registration: the batch then ran on as if no Ctrl-C had been pressed.
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            registered.enter()
            source.setRegistrationHandler { registered.leave() }
            source.setEventHandler { [first] in
                if first.value.compareExchange(expected: 0, desired: signalNumber, ordering: .relaxed).exchanged {
                    onSignal()
                } else {
                    _exit(128 + signalNumber)  // a second signal: stop waiting
                }
            }
            source.resume()
            sources.append(source)
        }
        _ = registered.wait(timeout: .now() + 2)
    }

    /// The first signal received, or nil.
    var receivedSignal: Int32? {
        let value = first.value.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }
}
