import ArgumentParser
import Foundation

/// The CLI's documented exit codes (see README).
enum ExitStatus {
    /// Every query succeeded.
    static let ok = ExitCode(0)
    /// A query failed, or was cancelled by fail-fast.
    static let queryFailed = ExitCode(1)
    /// Bad usage or input: flags, an unreadable or unsplittable file.
    static let usage = ExitCode(2)
    /// The database cannot be opened or connected to.
    static let cannotOpen = ExitCode(3)
    /// Results could not be written (standard output or a result file: a full disk, a file size
    /// limit, ...); the running queries were cancelled in the database.
    static let outputFailed = ExitCode(4)
    /// Standard output's reader went away (a closed pipe); the running queries were cancelled in
    /// the database, and the process then ends by SIGPIPE, as it would have without them (`stopBySIGPIPE`).
    static let stdoutClosed = ExitCode(128 + SIGPIPE)

    /// Ends the process by SIGPIPE, as a writer to a closed pipe ends by default.
    static func stopBySIGPIPE() -> Never {
        signal(SIGPIPE, SIG_DFL)
        raise(SIGPIPE)
        exit(128 + SIGPIPE)
    }
    /// Interrupted by SIGINT (after interrupting the running queries).
    static let interrupted = ExitCode(130)
    /// Terminated by SIGTERM (after interrupting the running queries).
    static let terminated = ExitCode(143)
}
