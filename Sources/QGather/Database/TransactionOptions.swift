/// How `Database.withTransaction` opens its transaction.
public struct TransactionOptions: Sendable, Hashable {
    /// A transaction isolation level, as SQL names it.
    public enum IsolationLevel: String, Sendable, Hashable {
        /// Each statement sees what was committed before it started.
        case readCommitted = "READ COMMITTED"
        /// Every statement sees the snapshot the first one took.
        case repeatableRead = "REPEATABLE READ"
        /// As if the transactions ran one after another; PostgreSQL may fail one with `40001`.
        case serializable = "SERIALIZABLE"
    }

    /// The isolation level; nil takes the database's default (PostgreSQL's
    /// `default_transaction_isolation`). SQLite transactions are always serializable, which
    /// every level allows, so SQLite ignores it.
    public var isolation: IsolationLevel?
    /// A transaction that only reads: a write fails (PostgreSQL `25006`; on SQLite the
    /// statement is refused before it runs, `SQLITE_READONLY`).
    public var readOnly: Bool

    /// Options for a transaction; the defaults are a read-write transaction at the database's default level.
    public init(isolation: IsolationLevel? = nil, readOnly: Bool = false) {
        self.isolation = isolation
        self.readOnly = readOnly
    }

    /// The statement that opens the transaction in `dialect`. SQLite takes the write lock at
    /// once for a read-write transaction (`BEGIN IMMEDIATE`), so two of them wait for each other
    /// instead of failing with `SQLITE_BUSY` when the first write finds the other's read lock; a
    /// read-only database gets `BEGIN DEFERRED`, which does not write. PostgreSQL never gets `READ
    /// WRITE`, which would override a read-only session (`Configuration.readOnly`).
    func beginStatement(for dialect: SQLDialect, databaseReadOnly: Bool = false) -> String {
        switch dialect {
        case .sqlite:
            return readOnly || databaseReadOnly ? "BEGIN DEFERRED" : "BEGIN IMMEDIATE"
        case .postgres:
            var sql = "BEGIN"
            if let isolation { sql += " ISOLATION LEVEL \(isolation.rawValue)" }
            if readOnly { sql += " READ ONLY" }
            return sql
        }
    }
}
