import CoreMetrics
import Logging
import Tracing

extension Database {
    /// How a database's connections are opened and pooled: one configuration for every
    /// constructor (`sqlite(_:configuration:)`, `postgres(_:configuration:)`, `open(_:configuration:)`).
    ///
    /// ```swift
    /// let db = try Database.postgres("host=/tmp dbname=shop",
    ///                                configuration: .init(maxConnections: 16, initSQL: ["SET search_path = shop"]))
    /// ```
    public struct Configuration: Sendable {
        /// Most connections the pool opens at once; nil for the engine's default
        /// (`defaultMaxConnections(for:)`).
        public var maxConnections: Int?
        /// Refuse every write: SQLite opens read-only with `query_only`; PostgreSQL sessions run
        /// with `default_transaction_read_only = on`, kept on before every query.
        public var readOnly: Bool
        /// Statements run on every new connection (`SET search_path = shop`, `PRAGMA cache_size = ...`).
        public var initSQL: [String]
        /// SQLite: how long a statement waits for a lock another connection holds.
        public var busyTimeout: Duration
        /// SQLite: create the file when it does not exist (migrations). A plain run never creates one.
        public var createIfMissing: Bool
        /// Where the database logs, with structured metadata: connections opened, failed
        /// (warning) and closed, waits for a connection, each query at `.debug` (name, line,
        /// duration, rows, status, error code) and its SQL at `.trace`, retries (`.info`). Never a
        /// password or a bound value.
        public var logger: Logger
        /// Where metrics go (`db.client.operation.duration`, `db.client.connection.*`,
        /// `qgather.queries`, ...); nil for the process's `MetricsSystem.factory`, which records
        /// nothing unless the application bootstrapped a backend.
        public var metricsFactory: (any MetricsFactory)?
        /// Where spans go (one per gathered batch, one per query, children of the caller's
        /// `ServiceContext`); nil for `InstrumentationSystem.tracer`, a no-op unless bootstrapped.
        public var tracer: (any Tracer)?

        /// A configuration; every argument has the default a report job wants.
        public init(maxConnections: Int? = nil, readOnly: Bool = false, initSQL: [String] = [], busyTimeout: Duration = .seconds(5),
                    createIfMissing: Bool = false, logger: Logger = Database.silentLogger, metricsFactory: (any MetricsFactory)? = nil,
                    tracer: (any Tracer)? = nil) {
            self.maxConnections = maxConnections
            self.readOnly = readOnly
            self.initSQL = initSQL
            self.busyTimeout = busyTimeout
            self.createIfMissing = createIfMissing
            self.logger = logger
            self.metricsFactory = metricsFactory
            self.tracer = tracer
        }

        /// The pool size: `maxConnections`, or the engine's default.
        func poolSize(for dialect: SQLDialect) -> Int {
            maxConnections ?? Database.defaultMaxConnections(for: dialect)
        }
    }

    /// The one default pool size (and the CLI's default `--jobs`): SQLite computes in-process,
    /// so one connection per core; a PostgreSQL server does the work, so 8, more than local cores.
    public static func defaultMaxConnections(for dialect: SQLDialect) -> Int {
        switch dialect {
        case .sqlite: return GatherOptions.defaultJobs
        case .postgres: return 8
        }
    }

    /// A logger that drops everything (the default).
    public static let silentLogger = Logger(label: "qgather", factory: { _ in SwiftLogNoOpLogHandler() })
}
