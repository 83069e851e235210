import Foundation
import Testing

/// End-to-end: a password given to qgather (conninfo, URI, PGPASSWORD, a password file) never
/// shows in its output, errors, --timing, JSON or the server log, whether the connection works,
/// the password is wrong, or the conninfo cannot even be parsed. Uses a role the test server
/// really checks a password for (`PostgresServer.passwordRole()`).
@Suite(.serialized) struct PasswordSecurityTests {
    /// The test server's socket directory and port, from QGATHER_TEST_PG.
    private func server() throws -> (host: String, port: String) {
        var fields: [String: String] = [:]
        for pair in try PostgresServer.conninfo().split(separator: " ") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        return (try #require(fields["host"]), fields["port"] ?? "5432")
    }

    /// Ways to pass `password` for the password role: --pg value and extra environment (the
    /// password file goes in `directory`).
    private func targets(password: String, in directory: TemporaryDirectory) async throws -> [(name: String, pg: String, environment: [String: String])] {
        let (role, _) = try await PostgresServer.passwordRole()
        let (host, port) = try server()
        let passfile = try directory.write("pgpass", "*:*:*:\(role):\(password)\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: passfile)
        let base = "host=\(host) port=\(port) dbname=qgather_test user=\(role)"
        return [
            ("conninfo", base + " password=\(password)", [:]),
            ("quoted conninfo", base + " password='\(password)'", [:]),
            ("URI", "postgresql://\(role):\(password)@/qgather_test?host=\(host)&port=\(port)", [:]),
            ("PGPASSWORD", base, ["PGPASSWORD": password]),
            ("password file", base, ["PGPASSFILE": passfile]),
        ]
    }

    /// The server log must not hold `secret` either (the throwaway server exports its log's path,
    /// as it does its data directory, which these tests need anyway).
    private func expectNotInServerLog(_ secret: String) throws {
        let log = try #require(ProcessInfo.processInfo.environment["QGATHER_TEST_PGLOG"],
                               "QGATHER_TEST_PGLOG is not set: password tests need the throwaway server of ./Scripts/test")
        let text = try String(contentsOfFile: log, encoding: .utf8)
        #expect(!text.contains(secret), "the server log holds the password")
    }

    @Test func passwordNeverShowsWhenTheConnectionWorks() async throws {
        let (_, password) = try await PostgresServer.passwordRole()
        let dir = try TemporaryDirectory()
        let batch = try dir.write("b.sql", "-- name: fine\nSELECT current_user AS who, 1 AS one;\n-- name: broken\nSELECT 1/0;\n")
        for target in try await targets(password: password, in: dir) {
            for flags in [["--format", "table"], ["--format", "csv", "--timing"], ["--format", "json", "--timing"], ["--format", "ndjson"]] {
                let result = try await CLIRunner.run([batch, "--pg", target.pg, "--keep-going"] + flags, environment: target.environment)
                #expect(result.status == 1, "\(target.name) \(flags): \(result.stderr)")
                #expect(result.stdout.contains("qgather_pw"), "\(target.name) \(flags): not connected as the password role: \(result.stdout)")
                #expect(result.stderr.contains("broken: division by zero"), "\(target.name) \(flags): \(result.stderr)")
                #expect(!result.stdout.contains(password) && !result.stderr.contains(password), "\(target.name) \(flags) shows the password")
            }
        }
        try expectNotInServerLog(password)
    }

    @Test func wrongPasswordExitsThreeWithOneLineAndNoPassword() async throws {
        let dir = try TemporaryDirectory()
        let batch = try dir.write("b.sql", "SELECT 1;")
        let wrong = "Wrong-\(UUID().uuidString.prefix(8))"
        for target in try await targets(password: wrong, in: dir) {
            for flags in [[], ["--format", "json", "--timing"]] {
                let result = try await CLIRunner.run([batch, "--pg", target.pg] + flags, environment: target.environment)
                #expect(result.status == 3, "\(target.name): \(result.stderr)")
                #expect(result.stderr.hasPrefix("qgather: postgresql host="), "\(target.name): \(result.stderr)")
                #expect(result.stderr.contains("password authentication failed for user \"qgather_pw\""), "\(target.name): \(result.stderr)")
                #expect(result.stderr.split(separator: "\n").count == 1, "\(target.name): \(result.stderr)")
                #expect(result.stdout.isEmpty)
                #expect(!result.stderr.contains(wrong), "\(target.name) shows the password: \(result.stderr)")
            }
        }
        try expectNotInServerLog(wrong)
    }

    @Test func missingPasswordExitsThree() async throws {
        let (role, _) = try await PostgresServer.passwordRole()
        let dir = try TemporaryDirectory()
        let batch = try dir.write("b.sql", "SELECT 1;")
        let result = try await CLIRunner.run([batch, "--pg", try PostgresServer.conninfo() + " user=\(role)"],
                                       environment: ["PGPASSFILE": "/nonexistent-qgather-pgpass"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("no password supplied"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func migrateNeverShowsThePassword() async throws {
        let (role, password) = try await PostgresServer.passwordRole()
        let (host, port) = try server()
        let dir = try TemporaryDirectory()
        let migrations = dir.path("m")
        try FileManager.default.createDirectory(atPath: migrations, withIntermediateDirectories: true)
        try "CREATE TABLE qgather_pw_table (x int);".write(toFile: migrations + "/0001_a.sql", atomically: true, encoding: .utf8)
        for secret in [password, "Wrong-\(UUID().uuidString.prefix(8))"] {
            let uri = "postgresql://\(role):\(secret)@/qgather_test?host=\(host)&port=\(port)"
            let result = try await CLIRunner.run(["migrate", "--pg", uri, "--dir", migrations])
            #expect(result.status != 0, "the role may not create tables in public: \(result.stdout)")
            #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        }
    }

    /// libpq quotes the text it cannot parse; qgather masks the password in it.
    @Test func unparsableConninfoNeverShowsThePassword() async throws {
        let secret = "Secret-\(UUID().uuidString.prefix(8))"
        let dir = try TemporaryDirectory()
        let batch = try dir.write("b.sql", "SELECT 1;")
        let targets: [[String]] = [
            ["--pg", "postgresql://bob:\(secret)@[::1"],
            ["--db", "postgresql://bob:\(secret)@[::1/shop"],
            ["--pg", "postgresql://bob:\(secret)%zz@host/db"],
            ["--pg", "postgresql://host/db?password=\(secret)%zz"],
            ["--pg", "host=x password='\(secret)"],
            ["--pg", "password=\(secret) host=x bogus_key=1"],
        ]
        for target in targets {
            for flags in [[], ["--format", "json", "--timing"]] {
                let result = try await CLIRunner.run([batch] + target + flags)
                #expect(result.status == 3, "\(target): \(result.stderr)")
                #expect(result.stderr.contains("bad connection string"), "\(target): \(result.stderr)")
                #expect(!result.stderr.contains(secret) && !result.stdout.contains(secret), "\(target) shows the password: \(result.stderr)")
            }
        }
        let migrate = try await CLIRunner.run(["migrate", "--pg", "postgresql://bob:\(secret)@[::1", "--dir", "Migrations"])
        #expect(migrate.status == 3)
        #expect(!migrate.stderr.contains(secret), "\(migrate.stderr)")
    }
}
