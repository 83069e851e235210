import Foundation
import QGather
import Testing

/// A runaway query: counts forever unless interrupted.
private let runaway = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"

/// A unique path under the temporary directory (nothing is created).
private func temporaryPath(_ suffix: String = ".db") -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("qgather-sqlite-\(UUID().uuidString)\(suffix)").path
}

/// Removes a database file and its journals.
private func removeDatabase(at path: String) {
    for suffix in ["", "-journal", "-wal", "-shm"] {
        try? FileManager.default.removeItem(atPath: path + suffix)
    }
}

/// Creates a database file at `path` with `CREATE TABLE t(x)` and one row (1).
private func createDatabase(at path: String) async throws {
    let db = Database.sqlite(path, configuration: .init(maxConnections: 1, createIfMissing: true))
    try await db.execute("CREATE TABLE t(x); INSERT INTO t VALUES (1)")
    await db.close()
}

@Suite(.serialized, .timeLimit(.minutes(1)))
struct SQLiteDriverTests {
    // MARK: In-memory databases

    @Test func memoryDatabaseIsSharedByEveryPooledConnection() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 2))
        let a = try await db.pool.lease()
        let b = try await db.pool.lease()
        #expect(a !== b)
        _ = try await a.execute(Query("CREATE TABLE shared(x); INSERT INTO shared VALUES (5)"), control: QueryControl())
        let rows = try await b.execute(Query("SELECT x FROM shared"), control: QueryControl())
        #expect(rows.rows == [[.integer(5)]])
        db.pool.release(a)
        db.pool.release(b)
        await db.close()
    }

    @Test func memoryTableCreatedOnOneConnectionIsReadByAParallelGather() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 4))
        try await db.execute("CREATE TABLE shared(x); INSERT INTO shared VALUES (1), (2), (3)")
        let batch = Batch(sql: Array(repeating: "SELECT sum(x) FROM shared", count: 8))
        let outcomes = await db.gather(batch, options: GatherOptions(jobs: 4))
        #expect(outcomes.map(\.status) == Array(repeating: QueryOutcome.Status.ok, count: 8))
        #expect(outcomes.allSatisfy { $0.rowSet?.rows == [[.integer(6)]] })
        await db.close()
    }

    @Test func separateMemoryDatabasesAreIndependent() async throws {
        let first = Database.sqlite(":memory:", configuration: .init(maxConnections: 1))
        let second = Database.sqlite(":memory:", configuration: .init(maxConnections: 1))
        try await first.execute("CREATE TABLE only_in_first(x)")
        let error = await #expect(throws: QueryError.self) { try await second.execute("SELECT * FROM only_in_first") }
        #expect(error?.message == "no such table: only_in_first")
        await first.close()
        await second.close()
    }

    @Test func queryWithSeveralStatementsReturnsTheLastResult() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 1))
        let rows = try await db.execute("CREATE TABLE t(x); INSERT INTO t VALUES (5), (6); SELECT sum(x) AS total FROM t")
        #expect(rows.columns.map(\.name) == ["total"])
        #expect(rows.rows == [[.integer(11)]])
        await db.close()
    }

    @Test func aNulByteInTheSQLIsAnErrorNotTheEndOfTheText() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 1))
        let outcomes = await db.gather(Batch([Query("SELECT 1;\u{0}DROP TABLE nothing"), Query("SELECT 2")]), options: GatherOptions(policy: .collect))
        let error = try #require(outcomes[0].error)
        #expect(error.code == .sqliteError && error.message.contains("NUL byte (byte 9)"), "\(error)")
        #expect(outcomes[1].rowSet?.rows == [[.integer(2)]])
        await db.close()
    }

    @Test func emptyAndCommentOnlySQLReturnsNoRows() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 1))
        for sql in ["", "  ", "-- only a comment", "/* c */ ;"] {
            let rows = try await db.execute(Query(sql))
            #expect(rows.rows.isEmpty && rows.rowsAffected == 0, "\(sql)")
        }
        await db.close()
    }

    // MARK: Opening

    @Test func missingFileFailsValidateAndCreatesNothing() async {
        let path = temporaryPath()
        defer { removeDatabase(at: path) }
        let db = Database.sqlite(path, configuration: .init(maxConnections: 1))
        let error = await #expect(throws: DatabaseOpenError.self) { try await db.validate() }
        #expect(error?.target == path)
        #expect(error?.message == "no such database file")
        #expect(!FileManager.default.fileExists(atPath: path))
        await db.close()
    }

    @Test func createOptionCreatesTheFile() async throws {
        let path = temporaryPath()
        defer { removeDatabase(at: path) }
        let db = Database.sqlite(path, configuration: .init(maxConnections: 1, createIfMissing: true))
        try await db.validate()
        #expect(FileManager.default.fileExists(atPath: path))
        await db.close()
    }

    @Test func nonDatabaseFileFailsValidate() async throws {
        let path = temporaryPath(".txt")
        defer { removeDatabase(at: path) }
        try Data("this is plain text, not a database\n".utf8).write(to: URL(fileURLWithPath: path))
        let db = Database.sqlite(path, configuration: .init(maxConnections: 1))
        let error = await #expect(throws: DatabaseOpenError.self) { try await db.validate() }
        #expect(error?.message.contains("file is not a database") == true)
        await db.close()
    }

    @Test func directoryFailsValidate() async throws {
        let path = temporaryPath(".d")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let db = Database.sqlite(path, configuration: .init(maxConnections: 1))
        let error = await #expect(throws: DatabaseOpenError.self) { try await db.validate() }
        #expect(error?.message.contains("is a directory") == true)
        await db.close()
    }

    @Test func readOnlyURIRefusesWritesWithReadonlyCode() async throws {
        let path = temporaryPath()
        defer { removeDatabase(at: path) }
        try await createDatabase(at: path)

        let db = Database.sqlite("file:\(path)?mode=ro", configuration: .init(maxConnections: 1))
        let rows = try await db.execute("SELECT x FROM t")
        #expect(rows.rows == [[.integer(1)]])
        let outcomes = await db.gather(Batch(sql: ["INSERT INTO t VALUES (2)"]))
        let error = try #require(outcomes.first?.error)
        #expect(error.kind == .database)
        #expect(error.code.rawValue.hasPrefix("SQLITE_READONLY"))
        await db.close()

        // Nothing was written.
        let check = Database.sqlite(path, configuration: .init(maxConnections: 1))
        let unchanged = try await check.execute("SELECT count(*) FROM t")
        #expect(unchanged.rows == [[.integer(1)]])
        await check.close()
    }

    @Test func readOnlyOptionRefusesWritesWithReadonlyCode() async throws {
        let path = temporaryPath()
        defer { removeDatabase(at: path) }
        try await createDatabase(at: path)

        let db = Database.sqlite(path, configuration: .init(maxConnections: 1, readOnly: true))
        let error = await #expect(throws: QueryError.self) { try await db.execute("DELETE FROM t") }
        #expect(error?.code.rawValue.hasPrefix("SQLITE_READONLY") == true)
        let rows = try await db.execute("SELECT count(*) FROM t")
        #expect(rows.rows == [[.integer(1)]])
        await db.close()
    }

    // MARK: Interruption

    @Test func interruptedTransactionIsRolledBack() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 1))
        try await db.execute("CREATE TABLE t(x)")
        let sql = "BEGIN; INSERT INTO t VALUES (1); \(runaway); COMMIT"
        let outcomes = await db.gather(Batch(sql: [sql]), options: GatherOptions(jobs: 1, timeout: .milliseconds(300)))
        #expect(outcomes.first?.error?.kind == .timedOut)

        // Same (only) connection: an open transaction would still show its own insert.
        let count = try await db.execute("SELECT count(*) FROM t")
        #expect(count.rows == [[.integer(0)]])
        // BEGIN fails inside a transaction ("cannot start a transaction within a transaction").
        try await db.execute("BEGIN")
        try await db.execute("ROLLBACK")
        #expect(db.pool.openConnections == 1)
        await db.close()
    }

    @Test func splitScriptWithTriggerRunsOnSQLite() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 1))
        let text = """
            CREATE TABLE items(id INTEGER PRIMARY KEY, price INTEGER);
            CREATE TABLE log(item INTEGER, sign TEXT);
            CREATE TRIGGER log_insert AFTER INSERT ON items
            BEGIN
              INSERT INTO log VALUES (new.id, CASE WHEN new.price > 0 THEN 'pos' ELSE 'neg' END);
              INSERT INTO log VALUES (new.id, 'done;');
            END;
            INSERT INTO items VALUES (1, 5), (2, -5);
            -- name: logged
            SELECT item, sign FROM log ORDER BY rowid;
            """
        let queries = try ScriptSplitter(dialect: db.dialect).split(text, file: "trigger.sql")
        #expect(queries.count == 5)
        let outcomes = await db.gather(Batch(queries), options: GatherOptions(jobs: 1))
        #expect(outcomes.map(\.status) == Array(repeating: QueryOutcome.Status.ok, count: 5))
        let last = try #require(outcomes.last)
        #expect(last.query.name == "logged")
        #expect(last.rowSet?.rows == [
            [.integer(1), .text("pos")], [.integer(1), .text("done;")],
            [.integer(2), .text("neg")], [.integer(2), .text("done;")],
        ])
        await db.close()
    }
}
