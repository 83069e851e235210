import Foundation
@testable import QGather
import Testing

/// Databases for library tests: SQLite files in a temporary directory, and the PostgreSQL test server.
enum TestDatabases {
    /// A new SQLite file (WAL mode when asked), created through the library.
    static func sqliteFile(wal: Bool, setup: String) async throws -> (path: String, cleanup: @Sendable () -> Void) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qgather-lib-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("test.db").path
        let db = Database.sqlite(path, configuration: .init(maxConnections: 1, createIfMissing: true))
        if wal { try await db.execute("PRAGMA journal_mode = WAL") }
        try await db.execute(SQL(sql: setup))
        await db.close()
        return (path, { try? FileManager.default.removeItem(at: directory) })
    }

    /// The PostgreSQL test server's conninfo; fails the test (never skips) when it is not set.
    static func postgresConninfo() throws -> String {
        try #require(ProcessInfo.processInfo.environment["QGATHER_TEST_PG"],
                     "QGATHER_TEST_PG is not set: run the tests with ./Scripts/test, which starts a throwaway PostgreSQL")
    }

    /// Queries of `applicationName` still running on the server (the test server, or `conninfo`'s),
    /// counted from a connection of its own.
    static func activeQueries(applicationName app: String, conninfo: String? = nil) async throws -> Int64 {
        let watcher = try Database.postgres(try conninfo ?? postgresConninfo(), configuration: .init(maxConnections: 1))
        let active = try await watcher.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = '\(unsafeRaw: app)' AND state = 'active'")
        await watcher.close()
        return try active.value(Int64.self, row: 0, column: 0)
    }

    /// A table name no other test uses.
    static func uniqueTable(_ prefix: String) -> String {
        "\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
    }
}
