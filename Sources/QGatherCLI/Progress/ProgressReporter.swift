/// Redraws the progress line about ten times a second while a batch runs (only when stderr is a
/// terminal and `--quiet` is not given; the run command decides).
///
/// The gather feeds `tracker` through `GatherOptions.onEvent`; a ticking task takes a snapshot
/// every 100 ms and hands it to `ConsoleOutput`, which draws it off the cooperative pool.
final class ProgressReporter {
    private let ticker: Task<Void, Never>
    private let console: ConsoleOutput

    /// Starts ticking. The first line appears after one interval, so quick batches show none.
    init(tracker: ProgressTracker, console: ConsoleOutput, interval: Duration = .milliseconds(100)) {
        self.console = console
        ticker = Task {
            while true {
                do { try await Task.sleep(for: interval) } catch { return }
                await console.showProgress(tracker.snapshot())
            }
        }
    }

    /// Stops ticking and erases the line.
    func stop() async {
        ticker.cancel()
        await ticker.value
        await console.clearProgress()
    }
}
