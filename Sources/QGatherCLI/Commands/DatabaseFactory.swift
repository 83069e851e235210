import QGather

/// Builds the `Database` for a command-line target.
enum DatabaseFactory {
    /// A database for `target`, pooled to `poolSize` connections. `create` lets SQLite create
    /// the file (migrations only).
    static func make(_ target: TargetOptions.Target, poolSize: Int, create: Bool = false, readOnly: Bool = false,
                     initSQL: [String] = []) throws(DatabaseOpenError) -> Database {
        switch target {
        case .sqlite(let path):
            var options = SQLiteDriver.Options()
            options.create = create
            options.readOnly = readOnly
            options.initSQL = initSQL
            return Database.sqlite(path, options: options, maxConnections: poolSize)
        case .postgres(let conninfo):
            return try Database.postgres(conninfo, readOnly: readOnly, initSQL: initSQL, maxConnections: poolSize)
        }
    }
}
