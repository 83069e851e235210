import ArgumentParser

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
    /// Interrupted by SIGINT (after interrupting the running queries).
    static let interrupted = ExitCode(130)
    /// Terminated by SIGTERM (after interrupting the running queries).
    static let terminated = ExitCode(143)
}
