import QGather

/// Builds the `Database` for a command-line target.
enum DatabaseFactory {
    /// A database for `target`, pooled to `poolSize` connections. `create` lets SQLite create
    /// the file (migrations only).
    static func make(_ target: TargetOptions.Target, poolSize: Int, create: Bool = false, readOnly: Bool = false,
                     initSQL: [String] = []) throws(DatabaseOpenError) -> Database {
        let configuration = Database.Configuration(maxConnections: poolSize, readOnly: readOnly, initSQL: initSQL, createIfMissing: create)
        switch target {
        case .sqlite(let path): return Database.sqlite(path, configuration: configuration)
        case .postgres(let conninfo): return try Database.postgres(conninfo, configuration: configuration)
        }
    }
}
