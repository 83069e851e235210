extension Database {
    /// A PostgreSQL database reached through libpq: a keyword/value conninfo, a `postgresql://`
    /// URI, or the empty string for libpq's defaults and the `PG*` environment variables.
    /// The conninfo is parsed now; nothing connects until first use or `validate()`.
    public static func postgres(_ conninfo: String, configuration: Configuration = Configuration()) throws(DatabaseOpenError) -> Database {
        Database(driver: try PostgresDriver(conninfo: conninfo, initSQL: configuration.initSQL, readOnly: configuration.readOnly),
                 maxConnections: configuration.poolSize(for: .postgres), logger: configuration.logger,
                 metrics: configuration.metricsFactory, tracer: configuration.tracer)
    }
}
