import Foundation
@testable import QGather
import Testing

/// The database file deleted or replaced while a pool has it open: SQLite keeps reading the file
/// it opened, the batch finishes on the connections already open, and qgather never creates or
/// changes a file at the path. A new pool then sees what is at the path now.
@Suite struct SQLiteFileFaultTests {
    static let setup = "CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), (2), (3);"

    @Test func deletedDatabaseFinishesOnTheOpenConnectionsAndIsNotRecreated() async throws {
        let (path, cleanup) = try await TestDatabases.sqliteFile(wal: false, setup: Self.setup)
        defer { cleanup() }
        let db = Database.sqlite(path, configuration: .init(maxConnections: 2))
        let warm = await db.gather(Batch(sql: ["SELECT count(*) FROM t", "SELECT sum(n) FROM t"]), options: GatherOptions(jobs: 2))
        #expect(warm.allSatisfy { $0.status == .ok })
        #expect(db.pool.openConnections == 2)

        try FileManager.default.removeItem(atPath: path)
        let outcomes = await db.gather(Batch(sql: Array(repeating: "SELECT count(*) FROM t", count: 40)), options: GatherOptions(jobs: 4))
        #expect(outcomes.allSatisfy { $0.rowSet?.rows == [[.integer(3)]] }, "\(outcomes.compactMap(\.error?.message))")
        #expect(!FileManager.default.fileExists(atPath: path), "the deleted database was recreated")
        await db.close()

        // A new pool: one clear error, and still no file.
        let fresh = Database.sqlite(path, configuration: .init(maxConnections: 1))
        let failed = await fresh.gather(Batch(sql: ["SELECT 1"]), options: GatherOptions(jobs: 1))
        #expect(failed[0].error?.message.contains("no such database file") == true, "\(String(describing: failed[0].error))")
        #expect(!FileManager.default.fileExists(atPath: path))
        await fresh.close()
    }

    @Test func replacedDatabaseKeepsServingTheFileTheConnectionsOpened() async throws {
        let (path, cleanup) = try await TestDatabases.sqliteFile(wal: false, setup: Self.setup)
        defer { cleanup() }
        let (replacement, cleanupReplacement) = try await TestDatabases.sqliteFile(wal: false, setup: "CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (10), (20), (30), (40), (50);")
        defer { cleanupReplacement() }
        let db = Database.sqlite(path, configuration: .init(maxConnections: 2))
        _ = await db.gather(Batch(sql: ["SELECT 1", "SELECT 2"]), options: GatherOptions(jobs: 2))
        #expect(db.pool.openConnections == 2)

        #expect(rename(replacement, path) == 0)
        let replaced = try Data(contentsOf: URL(fileURLWithPath: path))
        let outcomes = await db.gather(Batch(sql: Array(repeating: "SELECT count(*) FROM t", count: 40)), options: GatherOptions(jobs: 4))
        #expect(outcomes.allSatisfy { $0.rowSet?.rows == [[.integer(3)]] }, "\(outcomes.compactMap(\.error?.message))")
        await db.close()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == replaced, "qgather changed the replacing file")

        let fresh = Database.sqlite(path, configuration: .init(maxConnections: 1))
        let now = await fresh.gather(Batch(sql: ["SELECT count(*) FROM t"]), options: GatherOptions(jobs: 1))
        #expect(now[0].rowSet?.rows == [[.integer(5)]])
        await fresh.close()
    }
}
