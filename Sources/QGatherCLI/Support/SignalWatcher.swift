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

    /// Starts watching; `onSignal` runs once, on the first signal.
    init(onSignal: @escaping @Sendable () -> Void) {
        for signalNumber in [SIGINT, SIGTERM] {
            Foundation.signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
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
    }

    /// The first signal received, or nil.
    var receivedSignal: Int32? {
        let value = first.value.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }
}
