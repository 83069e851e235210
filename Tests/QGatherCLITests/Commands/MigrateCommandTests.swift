import Foundation
import Testing

/// End-to-end: `qgather migrate` on SQLite.
@Suite struct MigrateCommandTests {
    @Test func migrateAppliesInOrderAndIsIdempotent() async throws {
        let dir = try TemporaryDirectory()
        let migrations = dir.path("m")
        try FileManager.default.createDirectory(atPath: migrations, withIntermediateDirectories: true)
        try "CREATE TABLE a (x INTEGER);".write(toFile: migrations + "/0001_a.sql", atomically: true, encoding: .utf8)
        try "INSERT INTO a VALUES (1); INSERT INTO a VALUES (2);".write(toFile: migrations + "/0002_fill.sql", atomically: true, encoding: .utf8)
        let db = dir.path("new.db")
        let first = try await CLIRunner.run(["migrate", "--db", db, "--dir", migrations])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "Applied 0001_a.sql\nApplied 0002_fill.sql\n")
        let second = try await CLIRunner.run(["migrate", "--db", db, "--dir", migrations])
        #expect(second.status == 0)
        #expect(second.stdout.contains("Nothing to apply"))
        let count = try await CLIRunner.tool("/usr/bin/sqlite3", [db, "SELECT count(*) FROM a; SELECT group_concat(version) FROM qgather_migrations;"])
        #expect(count.stdout == "2\n1,2\n")
    }

    @Test func changedAppliedMigrationIsRefusedByName() async throws {
        let dir = try TemporaryDirectory()
        let migrations = dir.path("m")
        try FileManager.default.createDirectory(atPath: migrations, withIntermediateDirectories: true)
        try "CREATE TABLE a (x INTEGER);".write(toFile: migrations + "/0001_a.sql", atomically: true, encoding: .utf8)
        let db = dir.path("new.db")
        #expect(try await CLIRunner.run(["migrate", "--db", db, "--dir", migrations]).status == 0)
        try "CREATE TABLE a (x INTEGER, y TEXT);".write(toFile: migrations + "/0001_a.sql", atomically: true, encoding: .utf8)
        let result = try await CLIRunner.run(["migrate", "--db", db, "--dir", migrations])
        #expect(result.status == 1)
        #expect(result.stderr.contains("0001_a.sql was changed after it was applied"), "\(result.stderr)")
    }

    @Test func failingMigrationIsRolledBackWhole() async throws {
        let dir = try TemporaryDirectory()
        let migrations = dir.path("m")
        try FileManager.default.createDirectory(atPath: migrations, withIntermediateDirectories: true)
        try "CREATE TABLE a (x INTEGER);".write(toFile: migrations + "/0001_a.sql", atomically: true, encoding: .utf8)
        try "INSERT INTO a VALUES (1);\nINSERT INTO nope VALUES (2);".write(toFile: migrations + "/0002_bad.sql", atomically: true, encoding: .utf8)
        let db = dir.path("new.db")
        let result = try await CLIRunner.run(["migrate", "--db", db, "--dir", migrations])
        #expect(result.status == 1)
        #expect(result.stderr.contains("0002_bad.sql:2"), "\(result.stderr)")
        let state = try await CLIRunner.tool("/usr/bin/sqlite3", [db, "SELECT count(*) FROM a; SELECT count(*) FROM qgather_migrations;"])
        #expect(state.stdout == "0\n1\n")
    }

    @Test func gapsAndDuplicatesInVersionsAreRefused() async throws {
        let dir = try TemporaryDirectory()
        for (files, expected) in [(["0001_a.sql", "0003_c.sql"], "expected version 2"), (["0001_a.sql", "0001_b.sql"], "the same version 1")] {
            let migrations = dir.path("m-\(UUID().uuidString)")
            try FileManager.default.createDirectory(atPath: migrations, withIntermediateDirectories: true)
            for file in files { try "SELECT 1;".write(toFile: migrations + "/" + file, atomically: true, encoding: .utf8) }
            let result = try await CLIRunner.run(["migrate", "--db", dir.path("x.db"), "--dir", migrations])
            #expect(result.status == 2)
            #expect(result.stderr.contains(expected), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.path("x.db")))
        }
    }

    @Test func missingMigrationsDirectoryExitsTwo() async throws {
        let dir = try TemporaryDirectory()
        let result = try await CLIRunner.run(["migrate", "--db", dir.path("x.db"), "--dir", dir.path("nowhere")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("no such migrations directory"))
    }
}
