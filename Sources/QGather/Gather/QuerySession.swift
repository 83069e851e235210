/// The connections one batch runs on: the database's shared pool for a parallel run, one
/// connection keeping its session state for `serial`, or workers that share one snapshot.
struct QuerySession: Sendable {
    /// Where the batch's queries lease connections.
    let pool: ConnectionPool
    /// Releases what the session holds (its own connections, a snapshot's leader).
    let finish: @Sendable () async -> Void

    /// Sets up the session `options` ask for, over `shared` (the database's pool).
    static func start(_ options: GatherOptions, shared: ConnectionPool, queryCount: Int) async throws(QueryError) -> QuerySession {
        if options.serial {
            let pool = ConnectionPool(driver: shared.driver.sessionDriver(.serial, setup: []), maxConnections: 1, instruments: shared.instruments)
            return QuerySession(pool: pool, finish: { await pool.close() })
        }
        if options.snapshot {
            let workers = max(1, min(shared.maxConnections, options.jobs, queryCount))
            switch shared.driver.dialect {
            case .postgres: return try await SnapshotSession.postgres(shared.driver, workers: workers, instruments: shared.instruments)
            case .sqlite: return try await SnapshotSession.sqlite(shared.driver, workers: workers, instruments: shared.instruments)
            }
        }
        return QuerySession(pool: shared, finish: {})
    }
}
