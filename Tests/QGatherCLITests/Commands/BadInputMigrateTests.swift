import Foundation
import Testing

/// Writes migration files into `directory` (created) and returns its path.
private func migrations(_ w: BadInputWorkspace, _ files: [String: String], directory: String = "m") throws -> String {
    let path = w.path(directory)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    for (name, sql) in files { try sql.write(toFile: path + "/" + name, atomically: true, encoding: .utf8) }
    return path
}

/// Bad migration directories and targets: each must exit with the documented code and one
/// line, and create no database (nor change the fixture).
enum BadMigrateCorpus {
    /// A case that migrates a new database `new.db` from the files; the message is `qgather: ` plus `message`.
    static func directory(_ name: String, exit status: Int32 = 2, _ files: [String: String],
                          message: @escaping @Sendable (BadInputWorkspace) -> String) -> BadInputCase {
        BadInputCase(name, exit: status, message: { "qgather: " + message($0) }) { w in
            ["migrate", "--db", w.path("new.db"), "--dir", try migrations(w, files)]
        }
    }

    static let all: [BadInputCase] = [
        BadInputCase("migrations directory missing", exit: 2, message: { "qgather: \($0.path("nowhere")): no such migrations directory" }) { w in
            ["migrate", "--db", w.path("new.db"), "--dir", w.path("nowhere")]
        },
        BadInputCase("migrations directory is a file", exit: 2, message: { "qgather: \($0.path("m.sql")): is a file, not a migrations directory" }) { w in
            ["migrate", "--db", w.path("new.db"), "--dir", try w.write("m.sql", "SELECT 1;")]
        },
        directory("gap in versions", ["0001_a.sql": "SELECT 1;", "0003_c.sql": "SELECT 3;"],
                  message: { "\($0.path("m"))/0003_c.sql: expected version 2 next" }),
        directory("duplicate version", ["0001_a.sql": "SELECT 1;", "0001_b.sql": "SELECT 2;"],
                  message: { "\($0.path("m")): 0001_a.sql and 0001_b.sql have the same version 1" }),
        directory("versions starting at 0", ["0000_a.sql": "SELECT 1;"], message: { "\($0.path("m"))/0000_a.sql: expected version 1 next" }),
        directory("badly named file", ["0001_a.sql": "SELECT 1;", "init.sql": "SELECT 2;"],
                  message: { "\($0.path("m"))/init.sql: a migration file must be named NNNN_description.sql" }),
        directory("unterminated string in a migration", ["0001_a.sql": "SELECT 1;", "0002_b.sql": "CREATE TABLE b (x TEXT);\n\nINSERT INTO b VALUES ('oops);\n"],
                  message: { _ in "0002_b.sql:3: unterminated string literal" }),
        directory("COMMIT inside a migration", ["0001_a.sql": "CREATE TABLE a (x INTEGER);\nCOMMIT;\nINSERT INTO a VALUES (1);\n"],
                  message: { _ in "0001_a.sql:2: COMMIT is not allowed in a migration: each file runs in its own transaction" }),
        directory("BEGIN inside a migration", ["0001_a.sql": "BEGIN TRANSACTION;\nCREATE TABLE a (x INTEGER);\n"],
                  message: { _ in "0001_a.sql:1: BEGIN is not allowed in a migration" }),
        BadInputCase("migration that is not UTF-8", exit: 2, message: { "qgather: \($0.path("m"))/0001_a.sql:1: is not valid UTF-8 text (byte 11)" }) { w in
            let dir = try migrations(w, [:])
            _ = try w.write("m/0001_a.sql", bytes: Array("SELECT 'caf".utf8) + [0xE9] + Array("';".utf8))
            return ["migrate", "--db", w.path("new.db"), "--dir", dir]
        },
        BadInputCase("migration that is a directory", exit: 2, message: { "qgather: \($0.path("m"))/0001_a.sql: is a directory, not a SQL file" }) { w in
            let dir = try migrations(w, [:])
            try FileManager.default.createDirectory(atPath: dir + "/0001_a.sql", withIntermediateDirectories: false)
            return ["migrate", "--db", w.path("new.db"), "--dir", dir]
        },
        BadInputCase("migrate into a file that is not a database", exit: 3, message: { "qgather: \($0.path("notes.db")): file is not a database" }) { w in
            ["migrate", "--db", try w.write("notes.db", String(repeating: "plain text\n", count: 200)), "--dir", try migrations(w, ["0001_a.sql": "SELECT 1;"])]
        },
        BadInputCase("migrate into a directory that does not exist", exit: 3,
                     message: { "qgather: \($0.path("no/such/dir/new.db")): cannot create the database file: no such directory" }) { w in
            ["migrate", "--db", w.path("no/such/dir/new.db"), "--dir", try migrations(w, ["0001_a.sql": "SELECT 1;"])]
        },
        BadInputCase("migrate to an unreachable server", exit: 3, message: { _ in "qgather: postgresql host=127.0.0.1 port=1…Connection refused" }) { w in
            ["migrate", "--pg", "host=127.0.0.1 port=1", "--dir", try migrations(w, ["0001_a.sql": "SELECT 1;"])]
        },
        BadInputCase("unknown migrate flag", exit: 2, message: { _ in "qgather: Unknown option '--force'" }) { w in
            ["migrate", "--db", w.path("new.db"), "--force"]
        },
    ]
}

/// End-to-end: `qgather migrate` with bad directories, files and targets, and failing migrations.
@Suite struct BadInputMigrateTests {
    @Test(arguments: BadMigrateCorpus.all)
    func badMigrationInputChangesNothing(_ badCase: BadInputCase) async throws {
        try await BadInputCheck.run(badCase)
    }

    @Test func failingSQLiteMigrationLeavesNothingHalfApplied() async throws {
        let w = try await BadInputWorkspace()
        let dir = try migrations(w, [
            "0001_a.sql": "CREATE TABLE a (x INTEGER);",
            "0002_b.sql": "CREATE TABLE b (x INTEGER);\nCREATE INDEX b_x ON b (x);\nINSERT INTO b VALUES (1);\nINSERT INTO a VALUES (1);\n\nINSERT INTO nope VALUES (2);\n",
            "0003_c.sql": "CREATE TABLE c (x INTEGER);",
        ])
        let db = w.path("new.db")
        let result = try await CLIRunner.run(["migrate", "--db", db, "--dir", dir])
        #expect(result.status == 1)
        #expect(result.stderr == "qgather: 0002_b.sql:6: q5: no such table: nope\n", "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        let state = try await CLIRunner.tool("/usr/bin/sqlite3", [db, "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_schema ORDER BY name); SELECT count(*) FROM a; SELECT group_concat(version) FROM qgather_migrations;"])
        #expect(state.stdout == "a,qgather_migrations,sqlite_autoindex_qgather_migrations_1\n0\n1\n" || state.stdout == "a,qgather_migrations\n0\n1\n", "\(state.stdout)")
    }

    @Test func failingPostgresMigrationLeavesNothingHalfApplied() async throws {
        let conninfo = try await PostgresServer.freshDatabase()
        let w = try await BadInputWorkspace()
        let dir = try migrations(w, [
            "0001_a.sql": "CREATE TABLE a (x INTEGER);",
            "0002_b.sql": "CREATE TABLE b (x INTEGER);\nCREATE INDEX b_x ON b (x);\nINSERT INTO a VALUES (1);\nINSERT INTO nope VALUES (2);\n",
        ])
        let result = try await CLIRunner.run(["migrate", "--pg", conninfo, "--dir", dir])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("qgather: 0002_b.sql:4:13: q4: relation \"nope\" does not exist"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        let state = try await PostgresServer.psql("""
            SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE relnamespace = 'public'::regnamespace;
            SELECT count(*) FROM a; SELECT string_agg(version::text, ',') FROM qgather_migrations;
            """, conninfo: conninfo)
        #expect(state == "a,qgather_migrations,qgather_migrations_pkey\n0\n1\n", "\(state)")
    }

    /// A deferred constraint fails at COMMIT, after every statement of the file succeeded.
    @Test func migrationFailingAtCommitIsRolledBack() async throws {
        let conninfo = try await PostgresServer.freshDatabase()
        let w = try await BadInputWorkspace()
        let dir = try migrations(w, [
            "0001_a.sql": "CREATE TABLE p (id INTEGER PRIMARY KEY);",
            "0002_b.sql": "CREATE TABLE c (p INTEGER REFERENCES p DEFERRABLE INITIALLY DEFERRED);\nINSERT INTO c VALUES (42);\n",
        ])
        let result = try await CLIRunner.run(["migrate", "--pg", conninfo, "--dir", dir])
        #expect(result.status == 1)
        #expect(result.stderr.contains("violates foreign key constraint"), "\(result.stderr)")
        let state = try await PostgresServer.psql("SELECT to_regclass('public.c') IS NULL; SELECT string_agg(version::text, ',') FROM qgather_migrations;",
                                            conninfo: conninfo)
        #expect(state == "t\n1\n", "\(state)")
    }
}
