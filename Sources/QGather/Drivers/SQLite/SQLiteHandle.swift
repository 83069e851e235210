import QGatherCSQLite

/// A `sqlite3*` that may be carried across threads. It is only *used* on its connection's
/// thread, except for `sqlite3_interrupt`, which SQLite documents as safe from any thread.
struct SQLiteHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}
