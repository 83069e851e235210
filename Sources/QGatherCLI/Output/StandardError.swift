import Foundation

/// Writes diagnostics to standard error, one line each.
enum StandardError {
    /// Writes `line` and a newline to stderr.
    static func print(_ line: String) {
        // A failed write (stderr closed, EPIPE) is dropped: there is nowhere left to report it.
        try? FileHandle.standardError.write(contentsOf: Data((line + "\n").utf8))
    }

    /// Writes `qgather: message`.
    static func fail(_ message: String) {
        print("qgather: " + message)
    }
}
