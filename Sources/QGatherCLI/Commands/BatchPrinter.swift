import Foundation
import ArgumentParser
import QGather

/// Runs a batch and prints each outcome as soon as it and every earlier one are done.
struct BatchPrinter {
    let format: OutputFormat
    let timing: Bool

    /// Runs `batch` on `database` and returns the exit status.
    func run(_ batch: Batch, on database: Database, options: GatherOptions) async -> ExitCode {
        let printer = OutcomePrinter(formatter: format.makeFormatter(), output: OutputWriter())
        let clock = ContinuousClock()
        let started = clock.now
        let stream = database.outcomes(batch, options: options, streamingRowsTo: printer.streamsRows ? printer : nil)
        let signals = SignalWatcher { stream.cancel() }
        var timings: [TimingReport.Entry] = []  // rows are printed and dropped; only timings are kept (--timing)
        var failed = 0
        var cancelled = 0

        printer.begin()
        for await outcome in stream {
            printer.write(outcome)
            switch outcome.result {
            case .rows: break
            case .failed(let error):
                failed += 1
                StandardError.print(error.description)
            case .cancelled:
                cancelled += 1
            }
            if timing { timings.append(TimingReport.Entry(outcome)) }
        }
        printer.end()
        let wall = clock.now - started

        if timing { StandardError.print(TimingReport.render(timings, wall: wall).trimmingSuffixNewline) }
        if let signal = signals.receivedSignal {
            StandardError.fail("interrupted: \(cancelled) of \(batch.count) queries cancelled")
            return signal == SIGTERM ? ExitStatus.terminated : ExitStatus.interrupted
        }
        if failed > 0 || cancelled > 0 {
            var summary = "\(failed) of \(batch.count) queries failed"
            if cancelled > 0 { summary += ", \(cancelled) cancelled" }
            StandardError.fail(summary)
            return ExitStatus.queryFailed
        }
        return ExitStatus.ok
    }
}

extension String {
    var trimmingSuffixNewline: String { hasSuffix("\n") ? String(dropLast()) : self }
}
