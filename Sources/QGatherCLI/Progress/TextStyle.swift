/// ANSI SGR styles for terminal output. Applied only when colour is allowed (see `Terminal`).
enum TextStyle: String, Sendable {
    /// Counts of the progress line.
    case bold = "1"
    /// Elapsed times.
    case dim = "2"
    /// Failures; error bars.
    case red = "31"
    /// Bars of queries that succeeded.
    case green = "32"
    /// Cancellations.
    case yellow = "33"
    /// Names of running queries.
    case cyan = "36"

    /// `text` in this style when `enabled`, else `text` unchanged.
    func apply(_ text: String, enabled: Bool) -> String {
        enabled && !text.isEmpty ? "\u{1B}[\(rawValue)m" + text + "\u{1B}[0m" : text
    }

    /// Moves to the start of the line and erases it.
    static let clearLine = "\r\u{1B}[2K"
}
