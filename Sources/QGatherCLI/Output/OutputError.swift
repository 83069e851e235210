import Foundation
import QGather

/// Output that could not be written: a result file, or standard output.
struct OutputError: Error, CustomStringConvertible {
    /// The file, or `standard output`.
    let path: String
    /// Why.
    let reason: String
    /// Standard output's reader went away (a closed pipe): the run stops as if killed by SIGPIPE.
    var readerGone = false

    /// The failed write's `errno` on `path`.
    init(path: String, errno code: Int32) {
        self.path = path
        reason = String(cString: strerror(code))
        readerGone = code == EPIPE && path == OutputError.standardOutput
    }

    /// A failure described by `reason`.
    init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    var description: String { "\(path): cannot write: \(reason)" }

    /// What standard output's failure is called.
    static let standardOutput = "standard output"
}
