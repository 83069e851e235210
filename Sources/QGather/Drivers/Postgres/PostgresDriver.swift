import Synchronization

/// Opens libpq connections to one PostgreSQL database.
public final class PostgresDriver: DatabaseDriver {
    private let conninfo: PostgresConninfo
    private let counter = Atomic<Int>(0)
    /// Statements run on every new connection (`SET search_path = ...`).
    public let initSQL: [String]

    /// Parses `conninfo` (keyword/value, `postgresql://` URI, or empty for libpq defaults).
    public init(conninfo: String, initSQL: [String] = []) throws(DatabaseOpenError) {
        self.conninfo = try PostgresConninfo(conninfo)
        self.initSQL = initSQL
    }

    public var dialect: SQLDialect { .postgres }
    public var displayName: String { conninfo.displayName }

    public func connect() async throws(DatabaseOpenError) -> any DatabaseConnection {
        let n = counter.add(1, ordering: .relaxed).newValue
        return try await PostgresConnection.connect(conninfo, setup: initSQL, threadName: "qg-pg-\(n)")
    }
}
