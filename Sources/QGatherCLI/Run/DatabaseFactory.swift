import ArgumentParser
import Logging
import QGather
import Synchronization

/// Builds the `Database` for a command-line target.
enum DatabaseFactory {
    private static let logger = Mutex(Database.silentLogger)

    /// `--log-level`: every database made afterwards logs to stderr at `level` and above (nil: silent).
    static func logToStandardError(at level: Logger.Level?) {
        guard let level else { return }
        var logger = Logger(label: "qgather", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = level
        self.logger.withLock { $0 = logger }
    }

    /// A database for `target`, pooled to `poolSize` connections. `create` lets SQLite create
    /// the file (migrations only).
    static func make(_ target: TargetOptions.Target, poolSize: Int, create: Bool = false, readOnly: Bool = false,
                     initSQL: [String] = []) throws(DatabaseOpenError) -> Database {
        let configuration = Database.Configuration(maxConnections: poolSize, readOnly: readOnly, initSQL: initSQL, createIfMissing: create,
                                                   logger: logger.withLock { $0 })
        switch target {
        case .sqlite(let path): return Database.sqlite(path, configuration: configuration)
        case .postgres(let conninfo): return try Database.postgres(conninfo, configuration: configuration)
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
