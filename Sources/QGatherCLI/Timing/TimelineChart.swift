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
        let lanes = targetLanes(entries)
        if lanes.count < entries.count { return renderLanes(lanes, wall: wall, width: width, color: color) }
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

    /// With fan-out, the entries grouped into one lane per target, in order of first appearance.
    private static func targetLanes(_ entries: [TimingReport.Entry]) -> [(label: String, entries: [TimingReport.Entry])] {
        guard entries.contains(where: { $0.target != nil }) else { return entries.map { ($0.query.name, [$0]) } }
        var order: [String] = []
        var lanes: [String: [TimingReport.Entry]] = [:]
        for entry in entries {
            let label = entry.target ?? "-"
            if lanes[label] == nil { order.append(label) }
            lanes[label, default: []].append(entry)
        }
        return order.map { ($0, lanes[$0]!) }
    }

    /// One lane per target: each shows the spans of that target's queries (X where one failed,
    /// - where one was cancelled, # where they ran), and the time from its first start to its last end.
    private static func renderLanes(_ lanes: [(label: String, entries: [TimingReport.Entry])], wall: Duration, width: Int, color: Bool) -> String {
        let all = lanes.flatMap(\.entries)
        let ends = all.compactMap { entry in entry.startOffset.flatMap { s in entry.duration.map { s + $0 } } }
        let total = max(DurationText.seconds(wall), ends.map(DurationText.seconds).max() ?? 0, 1e-9)
        let labels = lanes.map { lane -> String in
            let starts = lane.entries.compactMap(\.startOffset)
            let laneEnds = lane.entries.compactMap { e in e.startOffset.flatMap { s in e.duration.map { s + $0 } } }
            guard let first = starts.min(), let last = laneEnds.max() else { return "not started" }
            return milliseconds(last - first)
        }
        let labelWidth = labels.map(\.count).max() ?? 0
        let nameWidth = min(lanes.map { DisplayWidth.of($0.label) }.max() ?? 1, max(8, width / 3))
        let barWidth = max(10, width - nameWidth - 4 - labelWidth)
        var out = "timeline: one lane per target, 1 column = \(TimingReport.fixed(total * 1000 / Double(barWidth))) ms (# ok, X error, - cancelled)\n"
        for (lane, label) in zip(lanes, labels) {
            let name = DisplayWidth.truncate(lane.label, to: nameWidth)
            out += name + String(repeating: " ", count: nameWidth - DisplayWidth.of(name)) + " |"
            out += laneBar(lane.entries, total: total, width: barWidth, color: color)
            out += "| " + String(repeating: " ", count: labelWidth - label.count) + label + "\n"
        }
        let wallLabel = milliseconds(wall)
        let gap = max(1, barWidth - 1 - wallLabel.count)
        out += String(repeating: " ", count: nameWidth + 2) + "0" + String(repeating: " ", count: gap) + wallLabel + "\n"
        return out
    }

    /// A lane's bar: every entry's span marked, an error over a cancellation over a success.
    private static func laneBar(_ entries: [TimingReport.Entry], total: Double, width: Int, color: Bool) -> String {
        var cells = [QueryOutcome.Status?](repeating: nil, count: width)
        func rank(_ status: QueryOutcome.Status?) -> Int {
            switch status {
            case nil: return 0
            case .ok: return 1
            case .cancelled: return 2
            case .error, .failedCheck: return 3
            }
        }
        for entry in entries {
            guard let start = entry.startOffset, let duration = entry.duration else { continue }
            let startSeconds = DurationText.seconds(start)
            let endSeconds = startSeconds + DurationText.seconds(duration)
            let first = min(width - 1, max(0, Int((startSeconds / total * Double(width)).rounded(.down))))
            let last = min(width, max(first + 1, Int((endSeconds / total * Double(width)).rounded(.up))))
            for i in first..<last where rank(entry.status) > rank(cells[i]) { cells[i] = entry.status }
        }
        var out = ""
        var i = 0
        while i < width {
            var j = i
            while j < width, cells[j] == cells[i] { j += 1 }
            let (mark, style): (String, TextStyle?) = switch cells[i] {
            case nil: (" ", nil)
            case .ok: ("#", .green)
            case .error, .failedCheck: ("X", .red)
            case .cancelled: ("-", .yellow)
            }
            let run = String(repeating: mark, count: j - i)
            out += style.map { $0.apply(run, enabled: color) } ?? run
            i = j
        }
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
        case .error, .failedCheck: ("X", .red)
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
