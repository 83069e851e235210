import Foundation
import ArgumentParser
import QGather

/// Runs a batch and writes each outcome as soon as it and every earlier one are done; shows the
/// progress line meanwhile and the timing reports at the end.
struct BatchRunner {
    /// Whether to show the progress line (stderr is a terminal and no `--quiet`).
    let progress: Bool
    /// `--timing`: table, summary line and timeline chart on stderr.
    let timing: Bool
    /// `--timing-json FILE`.
    let timingJSON: String?
    /// Said after `--timing`'s report: the order queries started in, when not file order.
    var scheduleNote: String?
    /// Given how long each query that succeeded ran, by index (for the duration history).
    var recordDurations: (@Sendable ([(index: Int, duration: Duration)]) -> Void)?
    /// Which durations `recordDurations` wants (the others are not kept at all).
    var keepsDuration: (@Sendable (Int, Duration) -> Bool)?

    /// Runs `batch` on `database`, writing the outcomes to `sink` (stdout or `--out-dir`), and
    /// returns the exit status.
    func run(_ batch: Batch, on database: Database, options: GatherOptions, into sink: sending any OutcomeSink) async -> ExitCode {
        await run(batch, options: options, into: sink, runs: batch.count) { options, rowStream in
            database.outcomes(batch, options: options, streamingRowsTo: rowStream)
        }
    }

    /// Runs `batch` through `start` (one database, or a fleet: then `runs` counts the (query,
    /// target) pairs of a fan-out), writing the outcomes to `sink`, and returns the exit status.
    func run(_ batch: Batch, options: GatherOptions, into sink: sending any OutcomeSink, runs: Int, targets: Int = 1,
             start: (GatherOptions, (any RowStreamSink)?) -> OutcomeStream) async -> ExitCode {
        let stderr = Terminal(descriptor: 2)
        // The head query's rows go straight to stdout as they are read (csv, json, ndjson), unless
        // a progress line shares the terminal with them.
        let rowStream = progress && isatty(1) == 1 ? nil : sink.rowStream
        let writesToStdout = sink.writesToStdout
        let cancelOnWriteFailure = CancelLatch()
        sink.whenWriteFails { cancelOnWriteFailure.fire() }
        let console = ConsoleOutput(sink: sink, stderr: stderr)
        var options = options
        let tracker = progress ? ProgressTracker(total: runs) : nil
        if let tracker { options.onEvent = { tracker.record($0) } }
        let clock = ContinuousClock()
        let started = clock.now
        let stream = start(options, rowStream)
        let signals = SignalWatcher { stream.cancel() }
        cancelOnWriteFailure.arm { stream.cancel() }
        if writesToStdout { StdoutWatcher.start { Task { await console.readerGone() } } }
        let reporter = tracker.map { ProgressReporter(tracker: $0, console: console) }

        await console.begin()
        let tally = await console.deliverAll(stream, keepTimings: timing || timingJSON != nil, keepDuration: recordDurations == nil ? nil : keepsDuration ?? { _, _ in true })
        if let recordDurations {
            // A file write: on the console's own queue, not the cooperative pool.
            let durations = tally.durations
            await console.perform { recordDurations(durations) }
        }
        let (timings, failed, cancelled) = (tally.timings, tally.failed, tally.cancelled)
        let wall = clock.now - started
        await reporter?.stop()
        await console.end(wall: wall)

        if timing {
            let chart = TimelineChart.render(timings, wall: wall, width: stderr.layoutWidth, color: stderr.allowsColor)
            await console.printError(TimingReport.render(timings, wall: wall) + (scheduleNote.map { $0 + "\n" } ?? "") + chart)
        }
        var writeFailed = false
        if let timingJSON, await !console.writeFile(TimingJSON.render(timings, wall: wall), to: timingJSON) { writeFailed = true }
        let what = runs == batch.count ? "queries" : "query runs"
        if let signal = signals.receivedSignal {
            await console.printError("qgather: interrupted: \(cancelled) of \(runs) \(what) cancelled")
            return signal == SIGTERM ? ExitStatus.terminated : ExitStatus.interrupted
        }
        if let failure = await console.outputFailure {
            // Said when it happened; the queries it cancelled are not failures of their own.
            return failure.readerGone ? ExitStatus.stdoutClosed : ExitStatus.outputFailed
        }
        if targets > 1, tally.unreachableTargets.count == targets || (tally.total > 0 && tally.unreachable == tally.total) {
            await console.printError("qgather: none of the \(targets) targets could be opened")
            return ExitStatus.cannotOpen
        }
        if failed > 0 || cancelled > 0 {
            var summary = "\(failed) of \(runs) \(what) failed"
            if cancelled > 0 { summary += ", \(cancelled) cancelled" }
            await console.printError("qgather: " + summary)
            return ExitStatus.queryFailed
        }
        return writeFailed ? ExitStatus.outputFailed : ExitStatus.ok
    }
}
