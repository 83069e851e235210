import Foundation
@testable import QGather
import Synchronization
import Testing

/// `--snapshot`: 16 parallel counts agree while a writer keeps inserting; without it they drift.
@Suite(.serialized, .timeLimit(.minutes(2))) struct SnapshotTests {
    static func counts(_ outcomes: [QueryOutcome]) throws -> [Int64] {
        try outcomes.map { try $0.get().value(Int64.self, row: 0, column: 0) }
    }

    static let sqliteCount = """
        SELECT (SELECT count(*) FROM events) AS n, (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 150000) SELECT max(x) FROM c) AS busy
        """

    @Test func sqliteSnapshotGivesEveryQueryTheSameCountWhileAWriterInserts() async throws {
        let (path, cleanup) = try await TestDatabases.sqliteFile(wal: true, setup: "CREATE TABLE events (id INTEGER PRIMARY KEY, note TEXT)")
        defer { cleanup() }
        let writerDB = Database.sqlite(path, configuration: .init(maxConnections: 1))
        let readers = Database.sqlite(path, configuration: .init(maxConnections: 4))
        let stop = StopSignal()
        let writer = Task { await stop.insertUntilStopped(writerDB, table: "events") }
        try await Task.sleep(for: .milliseconds(200))
        let batch = Batch(sql: Array(repeating: Self.sqliteCount, count: 16))
        let plain = try Self.counts(await readers.gather(batch, options: GatherOptions(jobs: 4)))
        let snapshot = try Self.counts(await readers.gather(batch, options: GatherOptions(jobs: 4, snapshot: true)))
        stop.stop()
        let inserted = await writer.value
        print("SQLite counts without --snapshot: \(Set(plain).count) distinct \(plain); with: \(Set(snapshot).count) distinct \(snapshot); writer inserted \(inserted)")
        #expect(inserted > 0)
        #expect(Set(snapshot).count == 1)
        #expect(Set(plain).count > 1)
        await readers.close()
        await writerDB.close()
    }

    @Test func sqliteSnapshotIsRefusedClearlyInRollbackJournalMode() async throws {
        let (path, cleanup) = try await TestDatabases.sqliteFile(wal: false, setup: "CREATE TABLE events (id INTEGER PRIMARY KEY, note TEXT)")
        defer { cleanup() }
        let db = Database.sqlite(path, configuration: .init(maxConnections: 2))
        let outcomes = await db.gather(Batch(sql: ["SELECT 1", "SELECT 2"]), options: GatherOptions(snapshot: true))
        #expect(outcomes.allSatisfy { $0.error?.message.contains("needs a database in WAL mode; this one uses journal_mode=delete") == true })
        await db.close()
    }

    @Test func postgresSnapshotGivesEveryQueryTheSameCountWhileAWriterInserts() async throws {
        let conninfo = try TestDatabases.postgresConninfo()
        let table = TestDatabases.uniqueTable("qgt_events")
        let writerDB = try Database.postgres(conninfo, configuration: .init(maxConnections: 1))
        try await writerDB.execute("CREATE TABLE \(unsafeRaw: table) (id serial PRIMARY KEY, note text)")
        let readers = try Database.postgres(conninfo, configuration: .init(maxConnections: 4))
        let stop = StopSignal()
        let writer = Task { await stop.insertUntilStopped(writerDB, table: table) }
        try await Task.sleep(for: .milliseconds(200))
        let batch = Batch(sql: Array(repeating: "SELECT count(*) FROM \(table), pg_sleep(0.1)", count: 16))
        let plain = try Self.counts(await readers.gather(batch, options: GatherOptions(jobs: 4)))
        let snapshot = try Self.counts(await readers.gather(batch, options: GatherOptions(jobs: 4, snapshot: true)))
        stop.stop()
        let inserted = await writer.value
        print("PostgreSQL counts without --snapshot: \(Set(plain).count) distinct \(plain); with: \(Set(snapshot).count) distinct \(snapshot); writer inserted \(inserted)")
        #expect(Set(snapshot).count == 1)
        #expect(Set(plain).count > 1)
        try await writerDB.execute("DROP TABLE \(unsafeRaw: table)")
        await readers.close()
        await writerDB.close()
    }
}

/// A stop flag shared by a test and its writer task.
final class StopSignal: Sendable {
    private let flag = Atomic<Bool>(false)

    func stop() { flag.store(true, ordering: .relaxed) }

    /// Inserts single rows in autocommit until stopped; returns how many committed.
    func insertUntilStopped(_ database: Database, table: String) async -> Int {
        var inserted = 0
        while !flag.load(ordering: .relaxed) {
            if (try? await database.execute("INSERT INTO \(unsafeRaw: table) (note) VALUES ('w')")) != nil { inserted += 1 }
        }
        return inserted
    }
}
