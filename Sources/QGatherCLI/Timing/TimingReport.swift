import QGather

/// `--timing`: a per-query table and a summary (queries, wall time, summed query time, overlap).
enum TimingReport {
    /// What the reports keep of an outcome (not its rows).
    struct Entry: Sendable {
        let query: Query
        let status: QueryOutcome.Status
        let startOffset: Duration?
        let duration: Duration?
        let rows: Int?
        /// The target that ran it, when the batch ran on several (fan-out or spread).
        var target: String?

        init(_ outcome: QueryOutcome) {
            query = outcome.query
            status = outcome.status
            startOffset = outcome.startOffset
            duration = outcome.duration
            rows = outcome.rowSet.map { $0.rowsAffected ?? $0.rowCount }
            target = outcome.servedBy
        }

        /// One (query, target) pair of a fan-out.
        init(_ query: Query, target outcome: TargetOutcome) {
            self.query = query
            status = outcome.status
            startOffset = outcome.startOffset
            duration = outcome.duration
            rows = outcome.rowSet.map { $0.rowsAffected ?? outcome.rowCount }
            target = outcome.label
        }

        /// When the query started, in milliseconds from the start of the batch.
        var startMilliseconds: Double? { startOffset.map { DurationText.seconds($0) * 1000 } }
        /// How long it ran, in milliseconds.
        var elapsedMilliseconds: Double? { duration.map { DurationText.seconds($0) * 1000 } }
    }

    /// The report for the outcomes of a batch that took `wall`.
    static func render(_ outcomes: [Entry], wall: Duration) -> String {
        let nameWidth = max(5, outcomes.map { $0.query.name.count }.max() ?? 0)
        let targets = outcomes.contains { $0.target != nil }
        let targetWidth = max(6, outcomes.map { $0.target?.count ?? 0 }.max() ?? 0)
        var out = "query".padding(nameWidth) + (targets ? " " + "target".padding(targetWidth) : "") + "   line   start ms  elapsed ms  status     rows\n"
        var summed = 0.0
        var slowest: Entry?
        for outcome in outcomes {
            let start = outcome.startOffset.map { DurationText.seconds($0) * 1000 }
            let elapsed = outcome.duration.map { DurationText.seconds($0) * 1000 }
            summed += (elapsed ?? 0) / 1000
            if let d = outcome.duration, d > (slowest?.duration ?? .zero) { slowest = outcome }
            let rows = outcome.rows.map(String.init) ?? "-"
            out += outcome.query.name.padding(nameWidth) + (targets ? " " + (outcome.target ?? "-").padding(targetWidth) : "")
                + " " + String(outcome.query.line).leftPadding(6)
                + " " + (start.map { fixed($0) } ?? "-").leftPadding(10) + " " + (elapsed.map { fixed($0) } ?? "-").leftPadding(11)
                + "  " + outcome.status.rawValue.padding(9) + " " + rows.leftPadding(5) + "\n"
        }
        let wallSeconds = DurationText.seconds(wall)
        let overlap = wallSeconds > 0 ? summed / wallSeconds : 0
        out += "\(outcomes.count) \(targets && Set(outcomes.map(\.query.index)).count < outcomes.count ? "query runs" : "queries"), wall \(fixed(wallSeconds * 1000)) ms, summed query time \(fixed(summed * 1000)) ms, overlap \(fixed(overlap))x"
        if let slowest { out += ", slowest \(slowest.query.name)" }
        return out + "\n"
    }

    /// `value` with two decimals: `1532.40`.
    static func fixed(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = abs(hundredths % 100)
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}

extension String {
    /// Pads with spaces on the right to `width` characters.
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    /// Pads with spaces on the left to `width` characters.
    func leftPadding(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
