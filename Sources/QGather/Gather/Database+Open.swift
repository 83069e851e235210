import Logging

extension Database {
    /// Opens either engine from one string: a `postgres://` or `postgresql://` URI (or a
    /// `host=... dbname=...` conninfo) selects PostgreSQL; anything else is a SQLite path,
    /// `:memory:` or `file:` URI (an optional `sqlite:` prefix is dropped).
    ///
    /// `readOnly` refuses every write; `initSQL` runs on each new connection; `maxConnections`
    /// bounds the pool. A SQLite file must exist: this never creates one.
    public static func open(_ target: String, readOnly: Bool = false, initSQL: [String] = [], maxConnections: Int = GatherOptions.defaultJobs,
                            logger: Logger = Logger(label: "qgather", factory: { _ in SwiftLogNoOpLogHandler() })) throws(DatabaseOpenError) -> Database {
        let isPostgres = target.hasPrefix("postgres://") || target.hasPrefix("postgresql://")
            || (target.contains("=") && !target.hasPrefix("file:") && !target.contains("/") || target.hasPrefix("host=") || target.hasPrefix("dbname="))
        if isPostgres {
            return try postgres(target, readOnly: readOnly, initSQL: initSQL, maxConnections: maxConnections, logger: logger)
        }
        var options = SQLiteDriver.Options()
        options.readOnly = readOnly
        options.initSQL = initSQL
        let path = target.hasPrefix("sqlite:") ? String(target.dropFirst(7)) : target
        return sqlite(path, options: options, maxConnections: maxConnections, logger: logger)
    }
}
