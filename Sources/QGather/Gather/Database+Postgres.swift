extension Database {
    /// A PostgreSQL database reached through libpq: a keyword/value conninfo, a `postgresql://`
    /// URI, or the empty string for libpq's defaults and the `PG*` environment variables.
    public static func postgres(_ conninfo: String, maxConnections: Int = GatherOptions.defaultJobs) throws(DatabaseOpenError) -> Database {
        throw DatabaseOpenError(target: "postgresql", message: "PostgreSQL support is not built yet")
    }
}
