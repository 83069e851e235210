import Foundation
@testable import QGather
import Synchronization
import Testing

/// Read-only runs, --serial, --init and --retries.
@Suite(.timeLimit(.minutes(2))) struct SessionOptionsTests {
    @Test func sqliteReadOnlyRefusesEveryWritePathAndLeavesDataUnchanged() async throws {
        let (path, cleanup) = try await TestDatabases.sqliteFile(wal: false, setup: "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)")
        defer { cleanup() }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let db = try Database.open(path, configuration: .init(maxConnections: 2, readOnly: true))
        let attached = path + "-attached.db"
        let writes = ["INSERT INTO t VALUES (2)", "UPDATE t SET x = 5", "DELETE FROM t", "CREATE TABLE u (y)", "DROP TABLE t",
                      "CREATE TEMP TABLE tmp (z)", "PRAGMA user_version = 7", "ATTACH '\(attached)' AS other; CREATE TABLE other.v (w)"]
        let outcomes = await db.gather(Batch(sql: writes), options: GatherOptions(policy: .collect))
        for (sql, outcome) in zip(writes, outcomes) {
            #expect(outcome.status == .error, "\(sql) was not refused")
        }
        #expect(try await db.execute("SELECT count(*), max(x) FROM t").rows[0] == [.integer(1), .integer(1)])
        await db.close()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(!FileManager.default.fileExists(atPath: attached) || (try? Data(contentsOf: URL(fileURLWithPath: attached)).count) == 0)
    }

    @Test func postgresReadOnlyRefusesWritesAndLeavesDataUnchanged() async throws {
        let conninfo = try TestDatabases.postgresConninfo()
        let table = TestDatabases.uniqueTable("qgt_ro")
        let admin = try Database.postgres(conninfo, configuration: .init(maxConnections: 1))
        try await admin.execute("CREATE TABLE \(unsafeRaw: table) (x int); INSERT INTO \(unsafeRaw: table) VALUES (1)")
        try await admin.execute("CREATE FUNCTION \(unsafeRaw: table)_bump() RETURNS int VOLATILE LANGUAGE sql AS $$ INSERT INTO \(unsafeRaw: table) VALUES (99) RETURNING 1 $$")
        let db = try Database.open(conninfo, configuration: .init(maxConnections: 2, readOnly: true))
        let writes = ["INSERT INTO \(table) VALUES (2)", "UPDATE \(table) SET x = 5", "DELETE FROM \(table)", "CREATE TABLE \(table)_b (y int)",
                      "DROP TABLE \(table)", "TRUNCATE \(table)", "SELECT \(table)_bump()", "COPY \(table) FROM PROGRAM 'echo 3'"]
        let outcomes = await db.gather(Batch(sql: writes), options: GatherOptions(policy: .collect))
        for (sql, outcome) in zip(writes, outcomes) {
            #expect(outcome.status == .error, "\(sql) was not refused")
            #expect(outcome.error?.code == "25006", "\(sql): \(String(describing: outcome.error))")
        }
        #expect(try await admin.execute("SELECT count(*), max(x) FROM \(unsafeRaw: table)").rows[0] == [.integer(1), .integer(1)])
        try await admin.execute("DROP FUNCTION \(unsafeRaw: table)_bump(); DROP TABLE \(unsafeRaw: table)")
        await db.close()
        await admin.close()
    }

    @Test func serialRunsInOrderOnOneConnectionAndKeepsTransactions() async throws {
        let db = try Database.postgres(try TestDatabases.postgresConninfo(), configuration: .init(maxConnections: 4))
        let table = TestDatabases.uniqueTable("qgt_serial")
        let script = """
            CREATE TEMP TABLE \(table) (x int);
            BEGIN;
            INSERT INTO \(table) VALUES (1);
            SET LOCAL work_mem = '7MB';
            SELECT current_setting('work_mem') AS w, count(*) AS n FROM \(table);
            ROLLBACK;
            SELECT count(*) AS n, pg_backend_pid() AS pid FROM \(table);
            SELECT pg_backend_pid() AS pid;
            """
        let batch = Batch(try ScriptSplitter(dialect: .postgres).split(script))
        let outcomes = await db.gather(batch, options: GatherOptions(jobs: 8, serial: true))
        #expect(outcomes.allSatisfy { $0.status == .ok }, "\(outcomes.compactMap(\.error))")
        #expect(outcomes[4].rowSet?.rows[0] == [.text("7MB"), .integer(1)])
        #expect(outcomes[6].rowSet?.rows[0][0] == .integer(0))
        #expect(outcomes[6].rowSet?.rows[0][1] == outcomes[7].rowSet?.rows[0][0])
        for (earlier, later) in zip(outcomes, outcomes.dropFirst()) {
            let end = try #require(earlier.startOffset) + (earlier.duration ?? .zero)
            #expect(try #require(later.startOffset) >= end)
        }
        await db.close()
    }

    @Test func initStatementsRunOnEveryNewConnection() async throws {
        let db = try Database.postgres(try TestDatabases.postgresConninfo(),
                                       configuration: .init(maxConnections: 3, initSQL: ["SET work_mem = '3MB'", "SET application_name = 'qgt_init'"]))
        let outcomes = await db.gather(Batch(sql: Array(repeating: "SELECT current_setting('work_mem'), current_setting('application_name'), pg_sleep(0.2)", count: 6)),
                                       options: GatherOptions(jobs: 3))
        #expect(outcomes.allSatisfy { $0.rowSet?.rows[0].prefix(2) == [.text("3MB"), .text("qgt_init")] })
        #expect(db.pool.peakOpenConnections == 3)
        await db.close()

        let lite = Database.sqlite(":memory:", configuration: .init(maxConnections: 2, initSQL: ["PRAGMA cache_size = -1234"]))
        let pragmas = await lite.gather(Batch(sql: ["PRAGMA cache_size", "PRAGMA cache_size"]), options: GatherOptions(jobs: 2))
        #expect(pragmas.allSatisfy { $0.rowSet?.rows[0][0] == .integer(-1234) })
        await lite.close()
    }

    @Test func readOnlyQueryIsRetriedAfterABusyError() async throws {
        let (path, cleanup) = try await TestDatabases.sqliteFile(wal: false, setup: "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)")
        defer { cleanup() }
        // Another connection holds an exclusive lock for 600 ms; readers time out after 50 ms.
        let locker = Database(driver: SQLiteDriver(path: path).sessionDriver(.serial, setup: []), maxConnections: 1)
        try await locker.execute("BEGIN EXCLUSIVE")
        let db = Database.sqlite(path, configuration: .init(maxConnections: 1, busyTimeout: .milliseconds(50)))
        let release = Task {
            try await Task.sleep(for: .milliseconds(600))
            try await locker.execute("COMMIT")
        }
        let outcome = await db.gather(Batch(sql: ["SELECT count(*) FROM t"]), options: GatherOptions(retries: 8))[0]
        #expect(outcome.status == .ok, "\(String(describing: outcome.error))")
        #expect(outcome.attempts > 1)
        let write = await db.gather(Batch(sql: ["INSERT INTO t VALUES (2)"]), options: GatherOptions(retries: 8))[0]
        #expect(write.attempts == 1)
        try await release.value
        await locker.close()
        await db.close()
    }

    @Test func sessionStatementsAreRecognised() {
        for sql in ["BEGIN", "begin transaction", "START TRANSACTION", "COMMIT", "END", "ROLLBACK", "SAVEPOINT a", "RELEASE a", "SET search_path = x",
                    "RESET ALL", "DISCARD ALL", "ATTACH 'x.db' AS y", "DETACH y", "PRAGMA journal_mode = wal", "/* c */ SET x = 1"] {
            #expect(StatementKind.sessionStatement(sql, dialect: .postgres) != nil, "\(sql)")
        }
        for sql in ["SELECT 'BEGIN'", "WITH x AS (SELECT 1) SELECT * FROM x", "PRAGMA table_info(t)", "UPDATE t SET x = 1", "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END"] {
            #expect(StatementKind.sessionStatement(sql, dialect: .sqlite) == nil, "\(sql)")
        }
        #expect(StatementKind.isReadOnly("WITH x AS (SELECT 1) SELECT * FROM x", dialect: .sqlite))
        #expect(!StatementKind.isReadOnly("WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x", dialect: .postgres))
        #expect(!StatementKind.isReadOnly("INSERT INTO t SELECT 1", dialect: .sqlite))
    }
}
