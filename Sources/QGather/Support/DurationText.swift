import Foundation

/// Parses and prints durations like `500ms`, `5s`, `2m`, `1.5s`.
package enum DurationText {
    /// Parses `500ms`, `5s`, `2m`, `1h` or a bare number of seconds; `nil` if malformed, shorter
    /// than a millisecond (a timeout that fires before any query can start), or 1e9 s and longer.
    package static func parse(_ text: String) -> Duration? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var number = Substring(text.trimmingCharacters(in: .whitespaces))
        var scale = 1.0
        for (suffix, factor) in units where number.hasSuffix(suffix) {
            number = number.dropLast(suffix.count)
            scale = factor
            break
        }
        guard let value = Double(number), value.isFinite, value * scale >= 0.001, value * scale < 1e9 else { return nil }
        return .nanoseconds(Int64(value * scale * 1e9))
    }

    /// `250ms`, `1.5s`, `2m`: compact, for messages.
    package static func short(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        if seconds < 60 {
            let rounded = (seconds * 100).rounded() / 100
            return rounded == rounded.rounded() ? "\(Int(rounded))s" : "\(rounded)s"
        }
        return "\(Int(seconds / 60))m\(Int(seconds.truncatingRemainder(dividingBy: 60)))s"
    }

    /// Seconds as a Double.
    package static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
