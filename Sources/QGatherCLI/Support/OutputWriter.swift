import Foundation

/// A buffered writer to a file descriptor (stdout by default): output is gathered in memory and
/// written in large chunks, and flushed after every query so results show as they come.
final class OutputWriter {
    private var buffer: [UInt8] = []
    private let descriptor: Int32
    private let flushThreshold = 1 << 16

    /// Writes to `descriptor` (1 = stdout).
    init(descriptor: Int32 = 1) {
        self.descriptor = descriptor
        buffer.reserveCapacity(flushThreshold + 4096)
    }

    /// Appends text.
    func write(_ text: String) {
        var text = text
        text.withUTF8 { buffer.append(contentsOf: $0) }
        if buffer.count >= flushThreshold { flush() }
    }

    /// Appends raw bytes.
    func write(bytes: some Sequence<UInt8>) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= flushThreshold { flush() }
    }

    /// Appends raw bytes without flushing (call `flushIfFull` at a row boundary).
    @inline(__always)
    func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        buffer.append(contentsOf: bytes)
    }

    /// Appends one byte without flushing.
    @inline(__always)
    func append(_ byte: UInt8) {
        buffer.append(byte)
    }

    /// Gives `body` the buffer itself, for a tight loop of appends (one exclusivity check, not one
    /// per byte); flushes afterwards if enough has gathered.
    @inline(__always)
    func withBuffer(_ body: (inout [UInt8]) -> Void) {
        body(&buffer)
        if buffer.count >= flushThreshold { flush() }
    }

    /// Flushes once enough output has gathered.
    @inline(__always)
    func flushIfFull() {
        if buffer.count >= flushThreshold { flush() }
    }

    /// Writes out everything buffered.
    func flush() {
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

