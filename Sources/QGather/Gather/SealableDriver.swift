import Synchronization

/// A driver that stops opening connections once sealed (a SQLite snapshot cannot take new workers).
final class SealableDriver: DatabaseDriver {
    private let base: any DatabaseDriver
    private let sealed = Atomic<Bool>(false)

    init(_ base: any DatabaseDriver) {
        self.base = base
    }

    func seal() { sealed.store(true, ordering: .relaxed) }

    var dialect: SQLDialect { base.dialect }
    var displayName: String { base.displayName }

    func connect() async throws(DatabaseOpenError) -> any DatabaseConnection {
        if sealed.load(ordering: .relaxed) {
            throw DatabaseOpenError(target: displayName, message: "the snapshot's connection was lost and cannot be replaced (SQLite)")
        }
        return try await base.connect()
    }

    func sessionDriver(_ mode: SessionMode, setup: [String]) -> any DatabaseDriver {
        base.sessionDriver(mode, setup: setup)
    }
}
