import Foundation

/// A buffered writer to a file descriptor (stdout by default): output is gathered in memory and
/// written in large chunks, and flushed after every query so results show as they come.
/// Without a descriptor it only collects the text (`--out-dir` files are formatted that way).
final class OutputWriter {
    private var buffer: [UInt8] = []
    private let descriptor: Int32?
    private let flushThreshold = 1 << 16

    /// Writes to `descriptor` (1 = stdout); `nil` keeps everything in memory for `text`.
    init(descriptor: Int32? = 1) {
        self.descriptor = descriptor
        buffer.reserveCapacity(flushThreshold + 4096)
    }

    /// Everything written so far (in-memory writers only).
    var text: String { String(decoding: buffer, as: UTF8.self) }

    /// Appends text.
    func write(_ text: String) {
        var text = text
        text.withUTF8 { buffer.append(contentsOf: $0) }
        if buffer.count >= flushThreshold { flush() }
    }

    /// Gives `body` the buffer itself, for a tight loop of appends (one exclusivity check, not one
    /// per byte); flushes afterwards if enough has gathered.
    @inline(__always)
    func withBuffer(_ body: (inout [UInt8]) -> Void) {
        body(&buffer)
        if buffer.count >= flushThreshold { flush() }
    }

    /// Writes out everything buffered (nothing, for an in-memory writer).
    func flush() {
        guard let descriptor else { return }
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { raw in
                Foundation.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                break  // EPIPE and the like: the reader is gone; drop the output.
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

