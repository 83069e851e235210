import Foundation
@testable import QGather
import Testing

/// `withTransaction` commits on return, rolls back on throw and on cancellation, on both engines.
@Suite struct TransactionTests {
    struct Abort: Error {}

    /// A SQLite file (shared by the pool's connections) and the PostgreSQL test server, each with an empty table.
    static func engines(_ body: (Database, String) async throws -> Void) async throws {
        let (path, cleanup) = try await TestDatabases.sqliteFile(wal: true, setup: "CREATE TABLE tx_t (n integer)")
        defer { cleanup() }
        let lite = Database.sqlite(path, configuration: .init(maxConnections: 2))
        try await body(lite, "tx_t")
        await lite.close()
        let table = TestDatabases.uniqueTable("tx")
        let pg = try Database.postgres(try TestDatabases.postgresConninfo(), configuration: .init(maxConnections: 2))
        try await pg.execute("CREATE TABLE \(identifier: table) (n integer)")
        try await body(pg, table)
        try await pg.execute("DROP TABLE \(identifier: table)")
        await pg.close()
    }

    static func count(_ db: Database, _ table: String) async throws -> Int {
        try await db.execute("SELECT count(*) AS c FROM \(identifier: table)").value(Int.self, row: 0, column: "c")
    }

    @Test func swiftCodeRunsBetweenStatementsAndTheTransactionCommits() async throws {
        try await Self.engines { (db: Database, table: String) async throws in
            let total = try await db.withTransaction { tx in
                try await tx.execute("INSERT INTO \(identifier: table) VALUES (\(1)), (\(2))")
                let sum = try await tx.execute("SELECT sum(n) AS s FROM \(identifier: table)").value(Int.self, row: 0, column: "s")
                try await tx.execute("INSERT INTO \(identifier: table) VALUES (\(sum * 10))")
                return sum
            }
            #expect(total == 3)
            #expect(try await Self.count(db, table) == 3)
            try await db.execute("DELETE FROM \(identifier: table)")
        }
    }

    @Test func aThrowRollsBackEverything() async throws {
        try await Self.engines { (db: Database, table: String) async throws in
            await #expect(throws: Abort.self) {
                try await db.withTransaction { tx in
                    try await tx.execute("INSERT INTO \(identifier: table) VALUES (1)")
                    throw Abort()
                }
            }
            #expect(try await Self.count(db, table) == 0)
            // The connection went back clean: a new transaction on it works.
            try await db.withTransaction { tx in try await tx.execute("INSERT INTO \(identifier: table) VALUES (5)") }
            #expect(try await Self.count(db, table) == 1)
            try await db.execute("DELETE FROM \(identifier: table)")
        }
    }

    @Test func aFailedStatementThrowsAndNothingCommits() async throws {
        try await Self.engines { (db: Database, table: String) async throws in
            let error = await #expect(throws: QueryError.self) {
                try await db.withTransaction { tx in
                    try await tx.execute("INSERT INTO \(identifier: table) VALUES (1)")
                    try await tx.execute("SELECT * FROM no_such_table_here")
                }
            }
            #expect(error?.message.contains("no_such_table_here") == true)
            #expect(try await Self.count(db, table) == 0)
        }
    }

    @Test func aStatementAfterTheTransactionEndedIsRefusedNotAutocommitted() async throws {
        try await Self.engines { (db: Database, table: String) async throws in
            let error = await #expect(throws: QueryError.self) {
                try await db.withTransaction { tx in
                    try await tx.execute("COMMIT")
                    try await tx.execute("INSERT INTO \(identifier: table) VALUES (1)")
                }
            }
            #expect(error?.code == .noActiveSQLTransaction)
            #expect(try await Self.count(db, table) == 0)
        }
    }

    @Test func aReadOnlyTransactionRefusesWrites() async throws {
        try await Self.engines { (db: Database, table: String) async throws in
            let error = await #expect(throws: QueryError.self) {
                try await db.withTransaction(TransactionOptions(readOnly: true)) { tx in
                    _ = try await Self.countIn(tx, table)
                    try await tx.execute("INSERT INTO \(identifier: table) VALUES (1)")
                }
            }
            #expect(error?.code == (db.dialect == .postgres ? .readOnlySQLTransaction : .sqliteReadOnly))
            #expect(try await Self.count(db, table) == 0)
        }
    }

    static func countIn(_ tx: Database.Connection, _ table: String) async throws -> Int {
        try await tx.execute("SELECT count(*) AS c FROM \(identifier: table)").value(Int.self, row: 0, column: "c")
    }

    @Test func postgresTakesTheIsolationLevelAsked() async throws {
        let db = try Database.postgres(try TestDatabases.postgresConninfo(), configuration: .init(maxConnections: 1))
        for level in [TransactionOptions.IsolationLevel.readCommitted, .repeatableRead, .serializable] {
            let shown = try await db.withTransaction(TransactionOptions(isolation: level, readOnly: true)) { tx in
                try await tx.execute("SHOW transaction_isolation").value(String.self, row: 0, column: 0)
            }
            #expect(shown == level.rawValue.lowercased())
        }
        await db.close()
    }

    @Test func cancellingTheTaskStopsTheStatementInPostgresAndRollsBack() async throws {
        let app = "qgt_tx_\(UInt32.random(in: 0...UInt32.max))"
        let table = TestDatabases.uniqueTable("txc")
        let db = try Database.postgres(try TestDatabases.postgresConninfo() + " application_name=\(app)", configuration: .init(maxConnections: 1))
        try await db.execute("CREATE TABLE \(identifier: table) (n integer)")
        let task = Task {
            try await db.withTransaction { tx in
                try await tx.execute("INSERT INTO \(identifier: table) VALUES (1)")
                try await tx.execute("SELECT pg_sleep(30)")
            }
        }
        var active: Int64 = 0
        for _ in 0..<100 where active == 0 {
            try await Task.sleep(for: .milliseconds(100))
            active = try await TestDatabases.activeQueries(applicationName: app)
        }
        #expect(active == 1)
        let start = ContinuousClock.now
        task.cancel()
        let result = await task.result
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(throws: QueryError.self) { try result.get() }
        #expect(try await TestDatabases.activeQueries(applicationName: app) == 0)
        #expect(try await Self.count(db, table) == 0)
        try await db.execute("DROP TABLE \(identifier: table)")
        await db.close()
    }

    @Test func cancellingTheTaskInterruptsSQLiteAndRollsBack() async throws {
        let (path, cleanup) = try await TestDatabases.sqliteFile(wal: true, setup: "CREATE TABLE t (n integer)")
        defer { cleanup() }
        let db = Database.sqlite(path, configuration: .init(maxConnections: 1))
        let started = AsyncStream<Void>.makeStream()
        let task = Task {
            try await db.withTransaction { tx in
                try await tx.execute("INSERT INTO t VALUES (1)")
                started.continuation.yield()
                try await tx.execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c")
            }
        }
        for await _ in started.stream { break }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let result = await task.result
        let error = #expect(throws: QueryError.self) { try result.get() }
        #expect(error?.kind == .cancelled)
        #expect(try await db.execute("SELECT count(*) FROM t").value(Int.self, row: 0, column: 0) == 0)
        await db.close()
    }
}

/// What the review of `withTransaction` found: failures that must be loud, never a quiet commit or a hang.
@Suite struct TransactionSafetyTests {
    @Test func postgresRefusesToCommitATransactionWhoseStatementFailed() async throws {
        let table = TestDatabases.uniqueTable("txf")
        let db = try Database.postgres(try TestDatabases.postgresConninfo(), configuration: .init(maxConnections: 1))
        try await db.execute("CREATE TABLE \(identifier: table) (n integer PRIMARY KEY)")
        let error = await #expect(throws: QueryError.self) {
            try await db.withTransaction { tx in
                try await tx.execute("INSERT INTO \(identifier: table) VALUES (1)")
                // Caught and ignored: the server has failed the transaction all the same.
                _ = try? await tx.execute("INSERT INTO \(identifier: table) VALUES (1)")  // the duplicate key is the point: its error is ignored on purpose
            }
        }
        #expect(error?.code == .inFailedSQLTransaction)
        #expect(try await db.execute("SELECT count(*) FROM \(identifier: table)").value(Int.self, row: 0, column: 0) == 0)
        try await db.execute("DROP TABLE \(identifier: table)")
        await db.close()
    }

    @Test func aStatementInsideARowsLoopOnTheSameConnectionFailsInsteadOfHanging() async throws {
        let lite = Database.sqlite(":memory:", configuration: .init(maxConnections: 1))
        let pg = try Database.postgres(try TestDatabases.postgresConninfo(), configuration: .init(maxConnections: 1))
        let cases: [(Database, SQL)] = [
            (lite, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000) SELECT x FROM c"),
            (pg, "SELECT x FROM generate_series(1, 100000) AS x"),
        ]
        for (db, big) in cases {
            let error = await #expect(throws: QueryError.self) {
                try await db.withConnection { connection in
                    for try await _ in connection.rows(big) {
                        try await connection.execute("SELECT 1")
                    }
                }
            }
            #expect(error?.message.contains("rows(_:) loop on this connection is still reading") == true)
            #expect(try await db.execute("SELECT 2").value(Int.self, row: 0, column: 0) == 2)
            await db.close()
        }
    }

    @Test func aConnectionUsedAfterItsClosureReturnedIsRefused() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 1))
        let escaped = try await db.withConnection { $0 }
        let error = await #expect(throws: QueryError.self) { try await escaped.execute("SELECT 1") }
        #expect(error?.message.contains("used after its withConnection or withTransaction closure returned") == true)
        await db.close()
    }

    @Test func aReadOnlyPostgresDatabaseStaysReadOnlyInsideATransaction() async throws {
        let table = TestDatabases.uniqueTable("txro")
        let admin = try Database.postgres(try TestDatabases.postgresConninfo(), configuration: .init(maxConnections: 1))
        try await admin.execute("CREATE TABLE \(identifier: table) (n integer)")
        let reader = try Database.postgres(try TestDatabases.postgresConninfo(), configuration: .init(maxConnections: 1, readOnly: true))
        let error = await #expect(throws: QueryError.self) {
            try await reader.withTransaction { tx in try await tx.execute("INSERT INTO \(identifier: table) VALUES (1)") }
        }
        #expect(error?.code == .readOnlySQLTransaction)
        #expect(try await admin.execute("SELECT count(*) FROM \(identifier: table)").value(Int.self, row: 0, column: 0) == 0)
        try await admin.execute("DROP TABLE \(identifier: table)")
        await reader.close()
        await admin.close()
    }
}
