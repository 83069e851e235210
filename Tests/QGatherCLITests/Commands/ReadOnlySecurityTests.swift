import Foundation
import Testing

/// One attempt to write through `--read-only`: the SQL, extra flags, the exit code and a text
/// stderr must contain.
struct ReadOnlyAttempt: Sendable, CustomTestStringConvertible {
    let name: String
    let sql: String
    var flags: [String] = []
    let status: Int32
    let message: String

    var testDescription: String { name }
}

/// End-to-end: `--read-only` holds against a batch that tries to turn it off: session settings
/// changed through functions, `--init`, CTEs, DO blocks, pragmas, and plain writes. Every attempt
/// fails (exit 1, or 2 when refused before anything runs) and the data stays as it was. The
/// batches run with `--jobs 1` so that every statement lands on the connection the previous
/// one may have tampered with.
@Suite struct ReadOnlySecurityTests {
    static let postgresAttempts: [ReadOnlyAttempt] = [
        .init(name: "set_config turns the session default off, then INSERT",
              sql: "SELECT set_config('default_transaction_read_only', 'off', false);\nINSERT INTO t VALUES (2);",
              status: 1, message: "q2: cannot execute INSERT in a read-only transaction"),
        .init(name: "set_config of transaction_read_only, then INSERT",
              sql: "SELECT set_config('transaction_read_only', 'off', false);\nINSERT INTO t VALUES (2);",
              flags: ["--keep-going"], status: 1, message: "cannot execute INSERT in a read-only transaction"),
        .init(name: "set_config inside the writing statement",
              sql: "WITH c AS (SELECT set_config('transaction_read_only', 'off', true) AS v) INSERT INTO t SELECT 2 FROM c;",
              status: 1, message: "q1:"),
        .init(name: "DO block turns the default off, then INSERT",
              sql: "DO $$ BEGIN PERFORM set_config('default_transaction_read_only', 'off', false); END $$;\nINSERT INTO t VALUES (2);",
              status: 1, message: "q2: cannot execute INSERT in a read-only transaction"),
        .init(name: "--init turns the default off", sql: "INSERT INTO t VALUES (2);",
              flags: ["--init", "SET default_transaction_read_only = off"], status: 1, message: "q1: cannot execute INSERT in a read-only transaction"),
        .init(name: "SET in the batch", sql: "SET default_transaction_read_only = off;\nINSERT INTO t VALUES (2);",
              status: 2, message: "q1: SET would apply to one random connection"),
        .init(name: "BEGIN READ WRITE in the batch", sql: "BEGIN READ WRITE;\nINSERT INTO t VALUES (2);\nCOMMIT;",
              status: 2, message: "q1: BEGIN would apply to one random connection"),
        .init(name: "CREATE TEMP TABLE", sql: "CREATE TEMP TABLE scratch (x int);",
              status: 1, message: "q1: cannot execute CREATE TABLE in a read-only transaction"),
        .init(name: "nextval", sql: "SELECT nextval('s');", status: 1, message: "q1: cannot execute nextval() in a read-only transaction"),
        .init(name: "COPY TO a server file (the test role is a superuser)",
              sql: "COPY t TO '/tmp/qgather-read-only-copy-\(UInt32.random(in: 0...UInt32.max)).csv';",
              status: 1, message: "q1: COPY is refused by --read-only"),
        .init(name: "COPY TO PROGRAM", sql: "-- name: exfil\ncopy (SELECT 1) TO PROGRAM 'touch /tmp/qgather-read-only-program';",
              status: 1, message: "exfil: COPY is refused by --read-only"),
    ]

    static let sqliteAttempts: [ReadOnlyAttempt] = [
        .init(name: "PRAGMA query_only off, then DELETE", sql: "PRAGMA query_only = 0;\nDELETE FROM orders;",
              status: 2, message: "q1: PRAGMA assignment would apply to one random connection"),
        .init(name: "--init turns query_only off", sql: "DELETE FROM orders;", flags: ["--init", "PRAGMA query_only = 0"],
              status: 1, message: "q1: attempt to write a readonly database"),
        .init(name: "ATTACH a new file", sql: "ATTACH DATABASE 'other.db' AS other;", status: 2, message: "q1: ATTACH would apply"),
        .init(name: "CREATE TEMP TABLE", sql: "CREATE TEMP TABLE scratch (x);", status: 1, message: "q1: attempt to write a readonly database"),
        .init(name: "write in a CTE", sql: "WITH ids AS (SELECT id FROM customers) DELETE FROM orders WHERE customer_id IN ids;",
              status: 1, message: "q1: attempt to write a readonly database"),
        .init(name: "trigger", sql: "CREATE TRIGGER t AFTER INSERT ON orders BEGIN DELETE FROM customers; END;",
              status: 1, message: "q1: attempt to write a readonly database"),
    ]

    @Test(arguments: postgresAttempts)
    func postgresReadOnlyHolds(_ attempt: ReadOnlyAttempt) async throws {
        let conninfo = try await PostgresServer.freshDatabase()
        try await PostgresServer.psql("CREATE TABLE t (x int); INSERT INTO t VALUES (1); CREATE SEQUENCE s", conninfo: conninfo)
        let dir = try TemporaryDirectory()
        let batch = try dir.write("b.sql", attempt.sql + "\n")
        let result = try await CLIRunner.run([batch, "--pg", conninfo, "--read-only", "--jobs", "1", "--format", "csv"] + attempt.flags)
        #expect(result.status == attempt.status, "\(attempt.name): exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains(attempt.message), "\(attempt.name): \(result.stderr)")
        #expect(!result.stderr.isEmpty && result.stderr.split(separator: "\n").allSatisfy { !$0.isEmpty })
        let state = try await PostgresServer.psql("""
            SELECT count(*), max(x) FROM t;
            SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE relnamespace = 'public'::regnamespace;
            SELECT last_value FROM s;
            """, conninfo: conninfo)
        #expect(state == "1|1\ns,t\n1\n", "\(attempt.name) changed the database: \(state)")
    }

    @Test(arguments: sqliteAttempts)
    func sqliteReadOnlyHolds(_ attempt: ReadOnlyAttempt) async throws {
        let workspace = try await BadInputWorkspace()
        let batch = try workspace.write("b.sql", attempt.sql + "\n")
        let before = DirectorySnapshot(workspace.root)
        let result = try await CLIRunner.run([batch, "--db", workspace.db, "--read-only", "--jobs", "1"] + attempt.flags)
        #expect(result.status == attempt.status, "\(attempt.name): exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains(attempt.message), "\(attempt.name): \(result.stderr)")
        #expect(DirectorySnapshot(workspace.root) == before, "\(attempt.name) changed the workspace")
    }

    /// `VACUUM INTO` writes a new file, not the database: the read-only open and `query_only`
    /// refuse it only after SQLite has created that file. qgather refuses every statement SQLite
    /// marks as writing before it runs, so no file appears.
    @Test func sqliteVacuumIntoIsRefusedBeforeItCreatesAFile() async throws {
        let workspace = try await BadInputWorkspace()
        let output = try TemporaryDirectory()
        let target = output.path("copy.db")
        let batch = try workspace.write("b.sql", "SELECT 1;\nVACUUM INTO '\(target)';\n")
        let before = DirectorySnapshot(workspace.root)
        let result = try await CLIRunner.run([batch, "--db", workspace.db, "--read-only", "--keep-going"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("b.sql:2: q2: attempt to write a readonly database (--read-only refuses"), "\(result.stderr)")
        #expect(DirectorySnapshot(workspace.root) == before)
        #expect(!FileManager.default.fileExists(atPath: target), "VACUUM INTO created its file through --read-only")
    }

    /// Without `--read-only`, `VACUUM INTO` still works (the check is the read-only run's alone).
    @Test func vacuumIntoWorksWithoutReadOnly() async throws {
        let workspace = try await BadInputWorkspace()
        let output = try TemporaryDirectory()
        let target = output.path("copy.db")
        let batch = try workspace.write("b.sql", "VACUUM INTO '\(target)';\n")
        let result = try await CLIRunner.run([batch, "--db", workspace.db])
        #expect(result.status == 0, "\(result.stderr)")
        let size = try FileManager.default.attributesOfItem(atPath: target)[.size] as? Int
        #expect((size ?? 0) > 0)
    }
}
