/// One open connection to a database, confined to its own thread by the driver.
///
/// Connections are leased from a `ConnectionPool`; one query runs on a connection at a time.
package protocol DatabaseConnection: AnyObject, Sendable {
    /// Runs one query (a single statement, or several separated by `;` whose last result is kept).
    /// `control` may interrupt it from another task; the connection is clean for the next query
    /// when this returns, or `isUsable` is false. With a `channel`, rows are handed to it in
    /// chunks as they are read (and may stream to the output) instead of being collected.
    func execute(_ query: Query, control: QueryControl, channel: RowChannel?) async throws(QueryError) -> RowSet

    /// Runs `query` so that it cannot write: inside a read-only transaction where the engine could
    /// write through a read (a PostgreSQL function). A write fails with SQLSTATE 25006. Used to
    /// run a query a second time when its first run may have taken effect (`RerunPolicy`).
    func executeRefusingWrites(_ query: Query, control: QueryControl, channel: RowChannel?) async throws(QueryError) -> RowSet

    /// Runs `queries` in order in one transaction: every one takes effect, or none does. The
    /// first error is thrown (attached to its query; a failed `COMMIT` has no query).
    func executeInTransaction(_ queries: [Query]) async throws(QueryError) -> [RowSet]

    /// Runs `query` inside a transaction the caller opened (`Database.withTransaction`): a failure
    /// leaves the transaction for the caller to roll back instead of ending it. With
    /// `requireOpen`, a query that finds no transaction open (SQLite rolled it back on its own, or
    /// the caller's SQL ended it) fails instead of running outside it. With `refuseWrites`
    /// (SQLite's read-only transactions), a statement that writes is refused before it runs.
    func executeInOpenTransaction(_ query: Query, control: QueryControl, channel: RowChannel?, requireOpen: Bool,
                                  refuseWrites: Bool) async throws(QueryError) -> RowSet

    /// False once the connection is broken; the pool then closes it instead of reusing it.
    var isUsable: Bool { get }

    /// Makes `isUsable` false: the pool closes the connection when it comes back (a transaction
    /// that could not be ended).
    func retire()

    /// PostgreSQL: the session's `standard_conforming_strings` as the server reported it once the
    /// connection was set up (after `--init`): whether `'...'` strings take backslashes literally.
    /// Always true for SQLite.
    var standardConformingStrings: Bool { get }

    /// Closes the connection and stops its thread. Called once, by the pool.
    func close() async

    /// Closes the connection on the calling thread, then stops its own thread. The caller must
    /// be a thread of its own (never the cooperative pool), and nothing may run on the
    /// connection. Called once, by the pool, instead of `close()`.
    func closeOnCallingThread()
}

extension DatabaseConnection {

    /// Runs one query and collects its rows.
    package func execute(_ query: Query, control: QueryControl) async throws(QueryError) -> RowSet {
        try await execute(query, control: control, channel: nil)
    }

    /// `BEGIN`, each query, `COMMIT` through `execute`, and `ROLLBACK` after an error: right for
    /// a connection that keeps a transaction open between `execute` calls, as SQLite's does.
    package func executeInTransaction(_ queries: [Query]) async throws(QueryError) -> [RowSet] {
        func rollBack() async { _ = try? await execute(Query("ROLLBACK"), control: QueryControl()) }
        _ = try await execute(Query("BEGIN"), control: QueryControl())
        var rowSets: [RowSet] = []
        do {
            for query in queries { rowSets.append(try await execute(query, control: QueryControl())) }
        } catch {
            await rollBack()
            throw error
        }
        do {
            _ = try await execute(Query("COMMIT"), control: QueryControl())
        } catch {
            await rollBack()
            throw QueryError(kind: error.kind, code: error.code, message: error.message, extendedCode: error.extendedCode)
        }
        return rowSets
    }
}
