import Logging

extension Database {
    /// A PostgreSQL database reached through libpq: a keyword/value conninfo, a `postgresql://`
    /// URI, or the empty string for libpq's defaults and the `PG*` environment variables.
    /// The conninfo is parsed now; nothing connects until first use or `validate()`.
    /// `readOnly` runs every session with `default_transaction_read_only = on`; `initSQL` runs on each new connection.
    public static func postgres(_ conninfo: String, readOnly: Bool = false, initSQL: [String] = [], maxConnections: Int = 8,
                                logger: Logger = Logger(label: "qgather", factory: { _ in SwiftLogNoOpLogHandler() })) throws(DatabaseOpenError) -> Database {
        Database(driver: try PostgresDriver(conninfo: conninfo, initSQL: initSQL, readOnly: readOnly), maxConnections: maxConnections, logger: logger)
    }
}
