extension Database {
    /// Opens either engine from one string: a `postgres://` or `postgresql://` URI (or a
    /// `host=... dbname=...` conninfo) selects PostgreSQL; anything else is a SQLite path,
    /// `:memory:` or `file:` URI (an optional `sqlite:` prefix is dropped).
    /// A SQLite file must exist unless `configuration.createIfMissing` is set.
    public static func open(_ target: String, configuration: Configuration = Configuration()) throws(DatabaseOpenError) -> Database {
        let isPostgres = target.hasPrefix("postgres://") || target.hasPrefix("postgresql://")
            || (target.contains("=") && !target.hasPrefix("file:") && !target.contains("/") || target.hasPrefix("host=") || target.hasPrefix("dbname="))
        if isPostgres { return try postgres(target, configuration: configuration) }
        return sqlite(target.hasPrefix("sqlite:") ? String(target.dropFirst(7)) : target, configuration: configuration)
    }
}
