import QGather

/// `--timing`'s chart: one bar per query from its start to its end across the batch's wall time,
/// so overlap shows. Lines are exactly `width` columns (the terminal's, 80 when not a terminal):
///
///     timeline: 1 column = 56.71 ms (# ok, X error, - cancelled)
///     revenue_by_month |##                                  |  101.50 ms
///     top_customers    |####                                |  185.30 ms
///                       0                           2267.66 ms
enum TimelineChart {
    /// The chart for `entries` of a batch that took `wall`, ending with a newline.
    static func render(_ entries: [TimingReport.Entry], wall: Duration, width: Int, color: Bool) -> String {
        let ends = entries.compactMap { entry in entry.startOffset.flatMap { s in entry.duration.map { s + $0 } } }
        let total = max(DurationText.seconds(wall), ends.map(DurationText.seconds).max() ?? 0, 1e-9)
        let labels = entries.map { entry in entry.duration.map { milliseconds($0) } ?? "not started" }
        let labelWidth = labels.map(\.count).max() ?? 0
        let nameWidth = min(entries.map { DisplayWidth.of($0.query.name) }.max() ?? 1, max(8, width / 3))
        let barWidth = max(10, width - nameWidth - 4 - labelWidth)

        var out = "timeline: 1 column = \(TimingReport.fixed(total * 1000 / Double(barWidth))) ms (# ok, X error, - cancelled)\n"
        for (entry, label) in zip(entries, labels) {
            let name = DisplayWidth.truncate(entry.query.name, to: nameWidth)
            out += name + String(repeating: " ", count: nameWidth - DisplayWidth.of(name)) + " |"
            out += bar(entry, total: total, width: barWidth, color: color)
            out += "| " + String(repeating: " ", count: labelWidth - label.count) + label + "\n"
        }
        let wallLabel = milliseconds(wall)
        let gap = max(1, barWidth - 1 - wallLabel.count)
        out += String(repeating: " ", count: nameWidth + 2) + "0" + String(repeating: " ", count: gap) + wallLabel + "\n"
        return out
    }

    /// The bar area of one query: blank, then its mark from start to end (at least one column).
    private static func bar(_ entry: TimingReport.Entry, total: Double, width: Int, color: Bool) -> String {
        guard let start = entry.startOffset, let duration = entry.duration else {
            return String(repeating: " ", count: width)
        }
        let startSeconds = DurationText.seconds(start)
        let endSeconds = startSeconds + DurationText.seconds(duration)
        let first = min(width - 1, max(0, Int((startSeconds / total * Double(width)).rounded(.down))))
        let last = min(width, max(first + 1, Int((endSeconds / total * Double(width)).rounded(.up))))
        let (mark, style): (String, TextStyle) = switch entry.status {
        case .ok: ("#", .green)
        case .error: ("X", .red)
        case .cancelled: ("-", .yellow)
        }
        return String(repeating: " ", count: first)
            + style.apply(String(repeating: mark, count: last - first), enabled: color)
            + String(repeating: " ", count: width - last)
    }

    private static func milliseconds(_ duration: Duration) -> String {
        TimingReport.fixed(DurationText.seconds(duration) * 1000) + " ms"
    }
}
