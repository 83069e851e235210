import Foundation

/// Writes diagnostics to standard error, one line each.
enum StandardError {
    /// Writes `line` and a newline to stderr.
    static func print(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Writes `qgather: message`.
    static func fail(_ message: String) {
        print("qgather: " + message)
    }
}
