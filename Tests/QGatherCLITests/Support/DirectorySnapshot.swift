import Foundation

/// What a directory holds, file by file: size, modification time and (for files up to 1 MB) an
/// FNV-1a checksum. Two snapshots are equal when no file was created, removed or changed, which
/// is how the bad-input tests prove a failed run left its database alone.
struct DirectorySnapshot: Equatable, CustomStringConvertible {
    /// A file's fingerprint.
    struct Entry: Equatable {
        let size: Int64
        let modified: timespec
        let checksum: UInt64?

        static func == (a: Entry, b: Entry) -> Bool {
            a.size == b.size && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
                && a.checksum == b.checksum
        }
    }

    /// Relative path to fingerprint, for every file under the directory (directories included, size 0).
    let entries: [String: Entry]

    /// Takes a snapshot of everything under `directory`, and of the directory itself (`.`: its
    /// modification time moves when a file such as a journal is created and removed in it).
    init(_ directory: String) {
        var entries: [String: Entry] = [:]
        var status = stat()
        if stat(directory, &status) == 0 { entries["."] = Entry(size: 0, modified: status.st_mtim, checksum: nil) }
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let relative = enumerator?.nextObject() as? String {
            let path = directory + "/" + relative
            var status = stat()
            guard lstat(path, &status) == 0 else { continue }
            let isRegular = status.st_mode & S_IFMT == S_IFREG
            let checksum = isRegular && status.st_size <= 1 << 20 ? DirectorySnapshot.checksum(path) : nil
            entries[relative] = Entry(size: isRegular ? Int64(status.st_size) : 0, modified: status.st_mtim, checksum: checksum)
        }
        self.entries = entries
    }

    /// The files that differ from `other`, for a failure message.
    func differences(from other: DirectorySnapshot) -> [String] {
        Set(entries.keys).union(other.entries.keys).sorted().filter { entries[$0] != other.entries[$0] }
    }

    var description: String { entries.keys.sorted().joined(separator: ", ") }

    private static func checksum(_ path: String) -> UInt64? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
