import Dispatch
import Foundation

/// Where the work that stops queries runs, away from `DispatchQueue.global()`. On Linux that
/// pool is also Swift's cooperative pool (about one thread per core): a job blocking there
/// stalls every task of the process, and a job queued behind blocked ones waits until
/// libdispatch adds a thread, which takes seconds.
package enum ControlQueues {
    /// `--timeout` timers and the repeated interrupts after a stop: quick, never blocking work,
    /// on a serial queue of its own (such a queue gets a thread at once).
    package static let timers = DispatchQueue(label: "qgather.timers")

    /// Runs `body`, which blocks (a PostgreSQL cancel request: a round trip to the server, or
    /// up to the connect timeout to one that went away), on a thread of its own.
    package static func runBlocking(_ name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = name
        thread.stackSize = 256 << 10
        thread.start()
    }
}
