import QGatherCLibPQ

/// A `PGconn*` and its `PGcancel*`, carried across threads. The connection is only used on its
/// own thread; the cancel handle is thread-safe by libpq's contract (`PQcancel`).
struct PostgresHandle: @unchecked Sendable {
    let connection: OpaquePointer
    let cancel: OpaquePointer?
    /// `standard_conforming_strings` as the server reported it after the set-up statements.
    var standardConformingStrings = true
}
