/// How a connection treats transactions between queries.
package enum SessionMode: Sendable, Hashable {
    /// Parallel batches: whatever transaction a query leaves open (a failed or cancelled one
    /// included) is rolled back, so every lease starts clean.
    case autocommit
    /// `--serial`: like `psql -f`, the session's transaction state carries over from one
    /// statement to the next (BEGIN ... COMMIT across statements works).
    case serial
    /// `--snapshot`: the connection holds a read transaction on a shared snapshot; if that
    /// transaction fails or ends, the connection is discarded rather than reused outside it.
    case snapshot
}
