import Foundation

/// A buffered writer to a file descriptor (stdout by default): output is gathered in memory and
/// written in large chunks, and flushed after every query so results show as they come.
/// Without a descriptor it only collects the text (`--out-dir` files are formatted that way).
///
/// The first failed write (a closed pipe, a full disk, a file size limit) is kept in `failure`
/// and everything after it is dropped: the run then stops and says so (see `ConsoleOutput`).
///
/// The buffer is raw memory rather than an array so that a formatter can write a whole chunk of
/// rows in place (`writeInPlace`), with no intermediate array and no per-byte bookkeeping.
final class OutputWriter {
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0
    private let descriptor: Int32?
    private let flushThreshold = 1 << 16
    /// The `errno` of the first write that failed, if one did.
    private(set) var failure: Int32?
    /// Called once, on the writing thread, when the first write fails.
    var onFailure: (() -> Void)?

    /// Writes to `descriptor` (1 = stdout); `nil` keeps everything in memory for `text`.
    init(descriptor: Int32? = 1) {
        self.descriptor = descriptor
        capacity = flushThreshold + 4096
        storage = .allocate(capacity: capacity)
    }

    deinit {
        storage.deallocate()
    }

    /// Everything written so far (in-memory writers only).
    var text: String { String(decoding: UnsafeBufferPointer(start: storage, count: count), as: UTF8.self) }

    /// Appends text.
    func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            writeInPlace(upTo: bytes.count) { target in
                if let source = bytes.baseAddress { target.update(from: source, count: bytes.count) }
                return bytes.count
            }
        }
    }

    /// Gives `body` room for up to `maxCount` bytes after what is buffered; `body` writes there
    /// and returns how many bytes it wrote. Flushes first when the room is not there, and after,
    /// when enough has gathered.
    @inline(__always)
    func writeInPlace(upTo maxCount: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        if count + maxCount > capacity {
            if descriptor != nil { flush() }
            if count + maxCount > capacity { grow(toHold: count + maxCount) }
        }
        let written = body(storage + count)
        precondition(written >= 0 && written <= maxCount, "wrote past the room asked for")
        count += written
        if count >= flushThreshold && descriptor != nil { flush() }
    }

    private func grow(toHold needed: Int) {
        let newCapacity = Swift.max(needed, capacity * 2)
        let newStorage = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newStorage.initialize(from: storage, count: count)
        storage.deallocate()
        storage = newStorage
        capacity = newCapacity
    }

    /// Writes out everything buffered (nothing, for an in-memory writer). After a failed write
    /// the output is dropped and `failure` says why.
    func flush() {
        guard let descriptor else { return }
        var offset = 0
        while offset < count && failure == nil {
            let written = Foundation.write(descriptor, storage + offset, count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                failure = errno
                onFailure?()
            } else {
                offset += written
            }
        }
        count = 0
    }
}
