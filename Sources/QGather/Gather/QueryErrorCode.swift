extension QueryError {
    /// What went wrong, as a code: a PostgreSQL SQLSTATE (`42P01`), a SQLite result code name
    /// (`SQLITE_CONSTRAINT_UNIQUE`), or one of qgather's own (`cancelled`, `timeout`, `connect`,
    /// `snapshot`, `internal`). In the style of GRDB's `ResultCode` and PostgresNIO's
    /// `PSQLError.Code`: compare with the static constants, or match them in a `switch`;
    /// `rawValue` is the text JSON output shows.
    ///
    /// ```swift
    /// switch error.code {
    /// case .serializationFailure, .deadlockDetected: retryLater()
    /// case let code where code.sqlStateClass == "23": reportConstraintViolation()
    /// default: throw error
    /// }
    /// ```
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
        /// The code's text.
        public let rawValue: String

        /// A code from its text.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// A code from a string literal (`"23505"`).
        public init(stringLiteral value: String) {
            rawValue = value
        }

        /// The code's text.
        public var description: String { rawValue }

        /// Whether this is a PostgreSQL SQLSTATE (five digits or upper-case letters).
        public var isSQLState: Bool {
            rawValue.utf8.count == 5 && rawValue.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) }
        }

        /// A SQLSTATE's class, its first two characters (`"23"`: integrity constraint violation); nil otherwise.
        public var sqlStateClass: String? { isSQLState ? String(rawValue.prefix(2)) : nil }

        /// Whether this is a SQLite result code.
        public var isSQLite: Bool { rawValue.hasPrefix("SQLITE_") }

        /// A SQLite extended result code's primary code (`SQLITE_BUSY_SNAPSHOT` → `SQLITE_BUSY`);
        /// any other code is its own.
        public var primary: Code {
            guard isSQLite else { return self }
            let name = rawValue.dropFirst("SQLITE_".count)
            guard let underscore = name.firstIndex(of: "_") else { return self }
            return Code(rawValue: "SQLITE_" + name[..<underscore])
        }

        // MARK: qgather's own

        /// The query was interrupted because its batch was cancelled (fail-fast, a cancelled task, SIGINT).
        public static let cancelled: Code = "cancelled"
        /// The query ran longer than its timeout and was interrupted.
        public static let timedOut: Code = "timeout"
        /// No connection could be made for the query.
        public static let connect: Code = "connect"
        /// A consistent snapshot could not be set up (`--snapshot`).
        public static let snapshot: Code = "snapshot"
        /// A check query's result did not meet its expectation (`-- expect:`).
        public static let checkFailed: Code = "failed_check"
        /// A target of a fan-out returned other columns than the first target that answered.
        public static let columnsDiffer: Code = "columns_differ"
        /// A spread batch holds a statement that writes (copies would diverge): nothing ran.
        public static let writeRefused: Code = "write_refused"
        /// qgather itself failed (a connection's thread went away).
        public static let `internal`: Code = "internal"
        /// A value interpolated into ``SQL`` where it cannot be bound (inside a quoted string or a comment).
        public static let parameter: Code = "parameter"

        // MARK: PostgreSQL SQLSTATEs qgather acts on

        /// `08006` connection_failure: the connection broke.
        public static let connectionFailure: Code = "08006"
        /// `0A000` feature_not_supported (also "cached plan must not change result type").
        public static let featureNotSupported: Code = "0A000"
        /// `25006` read_only_sql_transaction: a write in a read-only transaction.
        public static let readOnlySQLTransaction: Code = "25006"
        /// `25P01` no_active_sql_transaction: a statement of `withTransaction` found the transaction ended.
        public static let noActiveSQLTransaction: Code = "25P01"
        /// `25P02` in_failed_sql_transaction: a statement (or `withTransaction`'s COMMIT) after one that failed.
        public static let inFailedSQLTransaction: Code = "25P02"
        /// `26000` invalid_sql_statement_name: no such prepared statement.
        public static let invalidSQLStatementName: Code = "26000"
        /// `40001` serialization_failure.
        public static let serializationFailure: Code = "40001"
        /// `40P01` deadlock_detected.
        public static let deadlockDetected: Code = "40P01"
        /// `57014` query_canceled: a cancel request or `statement_timeout` stopped the query.
        public static let queryCanceled: Code = "57014"
        /// `XX000` internal_error (also what an error without a SQLSTATE is given).
        public static let internalError: Code = "XX000"

        // MARK: SQLite result codes qgather acts on

        /// `SQLITE_ERROR`: a generic SQL error (a syntax error, a missing table); also a NUL byte
        /// in the SQL text, which SQLite would stop reading at.
        public static let sqliteError: Code = "SQLITE_ERROR"
        /// `SQLITE_BUSY`: another connection holds a lock (extended: `SQLITE_BUSY_SNAPSHOT`, ...).
        public static let sqliteBusy: Code = "SQLITE_BUSY"
        /// `SQLITE_LOCKED`: a lock held within the same process.
        public static let sqliteLocked: Code = "SQLITE_LOCKED"
        /// `SQLITE_INTERRUPT`: `sqlite3_interrupt` stopped the statement.
        public static let sqliteInterrupt: Code = "SQLITE_INTERRUPT"
        /// `SQLITE_READONLY`: a write to a read-only database.
        public static let sqliteReadOnly: Code = "SQLITE_READONLY"
        /// `SQLITE_RANGE`: a parameter index out of range.
        public static let sqliteRange: Code = "SQLITE_RANGE"
    }

    /// Whether the same query may well succeed a moment later, leaving nothing of this attempt
    /// behind: busy or locked, a serialization failure, a deadlock, a connection that could not
    /// be made. `--retries` retries these (for reads only, see `RerunPolicy`).
    public var isTransient: Bool {
        switch code.primary {
        case .sqliteBusy, .sqliteLocked, .serializationFailure, .deadlockDetected, .connect: return true
        default: return false
        }
    }
}
