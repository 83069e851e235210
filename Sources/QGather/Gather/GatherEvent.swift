/// Something that happened to one query of a running batch, for progress displays.
///
/// Events arrive in the order things happen (completion order, not input order), from the
/// gather's own tasks: a handler must return quickly and must not block.
public enum GatherEvent: Sendable {
    /// The query got a connection and was sent to the database, `at` after the batch started.
    case started(Query, at: Duration)
    /// The query's outcome became known. Every query of the batch finishes exactly once, also
    /// one that never started (fail-fast, cancellation): it finishes as cancelled, without a
    /// `started` event.
    case finished(QueryOutcome)
}
