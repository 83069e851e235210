import QGather

/// Builds the `Database` for a command-line target.
enum DatabaseFactory {
    /// A database for `target`, pooled to `poolSize` connections. `create` lets SQLite create
    /// the file (migrations only).
    static func make(_ target: TargetOptions.Target, poolSize: Int, create: Bool = false) throws(DatabaseOpenError) -> Database {
        switch target {
        case .sqlite(let path):
            var options = SQLiteDriver.Options()
            options.create = create
            return Database.sqlite(path, options: options, maxConnections: poolSize)
        case .postgres(let conninfo):
            return try Database.postgres(conninfo, maxConnections: poolSize)
        }
    }
}
