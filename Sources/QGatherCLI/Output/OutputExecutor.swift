import Dispatch

/// A serial executor backed by a dedicated dispatch queue. Actors that use it (see
/// `ConsoleOutput`) may block in `write(2)` to a terminal, a pipe or a file without holding a
/// thread of Swift's cooperative pool, which keeps serving the gather's tasks meanwhile.
final class OutputExecutor: SerialExecutor {
    private let queue: DispatchQueue

    /// Creates the executor and its queue.
    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedSerialExecutor()) }
    }
}
