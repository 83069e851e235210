import Synchronization

/// The state of one connection lent to `withConnection` or `withTransaction`, shared by every
/// copy of its `Database.Connection`: whether the loan is still on, and whether a `rows` loop is
/// still reading from it.
final class ConnectionLease: Sendable {
    private struct State {
        var returned = false
        var openStreams = 0
    }

    private let state = Mutex(State())

    /// The body returned: the connection is back in the pool, and this lease refuses statements.
    func end() { state.withLock { $0.returned = true } }

    /// Throws unless a statement may run now: the loan is on, and no `rows` loop holds the
    /// connection's thread (its driver waits for the loop, which would wait for this statement).
    func check(_ query: Query) throws(QueryError) {
        let (returned, streaming) = state.withLock { ($0.returned, $0.openStreams > 0) }
        if returned {
            throw QueryError(kind: .database, code: .internal,
                             message: "this connection was used after its withConnection or withTransaction closure returned; it belongs to the pool now",
                             query: query)
        }
        if streaming {
            throw QueryError(kind: .database, code: .internal,
                             message: "a rows(_:) loop on this connection is still reading; finish or leave it before the next statement",
                             query: query)
        }
    }

    /// A `rows` query starts reading (`check` first, as for any statement).
    func beginStream(_ query: Query) throws(QueryError) {
        try check(query)
        state.withLock { $0.openStreams += 1 }
    }

    /// A `rows` query has ended.
    func endStream() { state.withLock { $0.openStreams -= 1 } }
}
