/// The one rule for running a statement a second time (pipelines, `--retries`).
///
/// A statement runs again only when all of these hold:
/// 1. its text only reads (`StatementKind.isReadOnly`: SELECT, VALUES, TABLE, SHOW, a WITH
///    without a data-changing part) — pipelines hold nothing else;
/// 2. none of its rows has reached the output;
/// 3. its first attempt certainly took no effect (`AttemptEffect.none`: it was never sent, the
///    server refused it before running it, or its error rolled it back — busy/locked, a
///    serialization failure, a deadlock, a connection that could not be made), or else the
///    second run happens inside a read-only transaction (`AttemptEffect.unknown`: the
///    connection broke after the statement was sent, so the server may have run and committed
///    it; a `SELECT` can still write through a function such as `log_visit(42)` or `nextval`).
///
/// Under rule 3's read-only transaction the server refuses a write instead of repeating it; the
/// query then fails with the lost connection, saying why it was not run again.
enum RerunPolicy {
    /// How a statement may run a second time.
    enum Rerun: Equatable {
        /// As the first time: the first attempt took no effect.
        case plain
        /// Inside a read-only transaction: the first attempt may have taken effect.
        case guardingWrites
    }

    /// Whether and how `query`, whose attempt ended with `effect`, may run again.
    static func rerun(_ query: Query, after effect: AttemptEffect, rowsReachedOutput: Bool, dialect: SQLDialect) -> Rerun? {
        guard !rowsReachedOutput, StatementKind.isReadOnly(query.sql, dialect: dialect) else { return nil }
        switch effect {
        case .none: return .plain
        case .unknown: return .guardingWrites
        }
    }

    /// What a transient error (worth `--retries`) says of its attempt: nil when the error is not
    /// transient. Each of these errors leaves nothing of the statement behind.
    static func effect(ofTransient error: QueryError) -> AttemptEffect? {
        error.isTransient ? AttemptEffect.none : nil
    }

    /// The outcome of a second run inside a read-only transaction that the server refused
    /// because the statement writes: the first attempt's lost connection, and why it was not repeated.
    static func refusedRerun(_ error: QueryError, of query: Query) -> QueryError? {
        guard error.code == .readOnlySQLTransaction else { return nil }
        return QueryError(kind: .connectionLost, code: .connectionFailure,
                          message: "the connection was lost before the result came back, and the query was not run again "
                              + "since it writes (a second run might repeat its effects): \(error.message)",
                          query: query)
    }
}

/// What a failed attempt tells about whether its statement took effect on the server.
enum AttemptEffect: Sendable, Equatable {
    /// Certainly none: never sent, refused before running, or rolled back by its error.
    case none
    /// Perhaps: the connection broke after the statement was sent and before its result came back.
    case unknown
}
