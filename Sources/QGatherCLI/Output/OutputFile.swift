import Foundation

/// Writes whole output files (`--out-dir` results, `summary.json`, `--timing-json`).
enum OutputFile {
    /// Writes `text` to `path`, replacing it. A regular file that cannot be written whole (a
    /// full disk, a file size limit) is removed: a directory never holds a cut-off result. Any
    /// other kind of file (`/dev/full`, a FIFO) is left where it is.
    static func write(_ text: String, to path: String) throws(OutputError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw OutputError(path: path, errno: errno) }
        var status = stat()
        let isRegularFile = fstat(descriptor, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
        let writer = OutputWriter(descriptor: descriptor)
        writer.write(text)
        writer.flush()
        var failure = writer.failure
        if close(descriptor) != 0 && failure == nil { failure = errno }
        if let failure {
            if isRegularFile { unlink(path) }
            throw OutputError(path: path, errno: failure)
        }
    }
}
