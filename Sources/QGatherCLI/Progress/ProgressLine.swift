import QGather

/// Renders the one-line progress display:
/// `3/17 done, 1 failed | running: spend_milestones 2.1s, order_sequence_stats 1.8s, +2 more`.
enum ProgressLine {
    /// The line for `snapshot`, at most `width - 1` columns (never wrapping, so `\r` can redraw
    /// it), coloured with ANSI styles when `color` is set.
    static func render(_ snapshot: ProgressSnapshot, width: Int, color: Bool) -> String {
        let limit = max(10, width - 1)
        var segments: [(String, TextStyle?)] = [("\(snapshot.done)/\(snapshot.total) done", .bold),
                                                 (", ", nil), ("\(snapshot.failed) failed", snapshot.failed > 0 ? .red : nil)]
        if snapshot.cancelled > 0 { segments += [(", ", nil), ("\(snapshot.cancelled) cancelled", .yellow)] }
        if !snapshot.running.isEmpty { segments.append((" | running: ", nil)) }
        var used = segments.reduce(0) { $0 + DisplayWidth.of($1.0) }
        for (i, query) in snapshot.running.enumerated() {
            let separator = i == 0 ? "" : ", "
            let time = " " + elapsed(query.elapsed)
            let rest = snapshot.running.count - i - 1
            let moreNote = rest > 0 ? ", +\(rest) more" : ""
            let needed = DisplayWidth.of(separator + query.name + time)
            if used + needed + DisplayWidth.of(moreNote) <= limit {
                segments += [(separator, nil), (query.name, .cyan), (time, .dim)]
                used += needed
                continue
            }
            let more = "\(separator)+\(snapshot.running.count - i) more"
            if used + DisplayWidth.of(more) <= limit {
                segments.append((more, nil))
            } else if i == 0 {
                segments.append((DisplayWidth.truncate(query.name, to: limit - used), .cyan))
            }
            break
        }
        var plain = 0
        var out = ""
        for (text, style) in segments {
            let room = limit - plain
            let piece = DisplayWidth.of(text) > room ? DisplayWidth.truncate(text, to: room) : text
            plain += DisplayWidth.of(piece)
            out += style?.apply(piece, enabled: color) ?? piece
        }
        return out
    }

    /// `0.4s`, `12.3s`, `2m05s`.
    static func elapsed(_ duration: Duration) -> String {
        let seconds = DurationText.seconds(duration)
        if seconds < 60 {
            let tenths = Int((seconds * 10).rounded(.down))
            return "\(tenths / 10).\(tenths % 10)s"
        }
        let whole = Int(seconds)
        let secondsPart = whole % 60
        return "\(whole / 60)m\(secondsPart < 10 ? "0" : "")\(secondsPart)s"
    }
}
