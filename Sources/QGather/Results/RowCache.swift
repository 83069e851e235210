import Synchronization

/// The decoded rows of a row set, computed once (shared by copies, which hold the same rows).
final class RowCache: Sendable {
    private let storage = Mutex<[[Value]]?>(nil)

    var rows: [[Value]]? { storage.withLock { $0 } }

    func store(_ rows: [[Value]]) {
        storage.withLock { $0 = rows }
    }
}
