import Foundation
import Testing

/// The PostgreSQL server the tests run against: the throwaway one `Scripts/test` starts, or the
/// one a developer names in `QGATHER_TEST_PG`. Tests that need it fail (never skip) without it.
enum PostgresServer {
    /// The conninfo of the test server.
    static func conninfo() throws -> String {
        try #require(ProcessInfo.processInfo.environment["QGATHER_TEST_PG"],
                     "QGATHER_TEST_PG is not set: run the tests with ./Scripts/test, which starts a throwaway PostgreSQL")
    }

    /// The conninfo with a unique application_name, so a test can find its own sessions.
    static func conninfo(applicationName: String) throws -> String {
        try conninfo() + " application_name=\(applicationName)"
    }

    /// Runs `sql` with psql and returns its unaligned, tuples-only output.
    @discardableResult
    static func psql(_ sql: String, conninfo: String? = nil, csv: Bool = false) async throws -> String {
        let target = try conninfo ?? self.conninfo()
        let result = try await CLIRunner.tool("/usr/bin/psql", ["-X", "-d", target, "-v", "ON_ERROR_STOP=1"] + (csv ? ["--csv"] : ["-At"]) + ["-c", sql])
        #expect(result.status == 0, "psql failed: \(sql)")
        return result.stdout
    }

    /// Queries of `applicationName` still active on the server (other than psql's own).
    static func activeQueries(applicationName: String) async throws -> Int {
        let count = try await psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = '\(applicationName)' AND state <> 'idle'")
        return Int(count.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// Waits (up to 20 s, for a loaded machine) until `count` queries of `applicationName` are active.
    static func waitForActive(applicationName: String, count: Int) async throws -> Int {
        var active = -1
        for _ in 0..<200 {
            active = try await activeQueries(applicationName: applicationName)
            if active == count { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        return active
    }

    /// A new empty database; returns its conninfo.
    static func freshDatabase() async throws -> String {
        let name = "qg_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        try await psql("CREATE DATABASE \(name)")
        return try conninfo() + " dbname=\(name)"
    }

    /// A unique application name for one test.
    static func uniqueApplicationName() -> String {
        "qgt_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).lowercased()
    }
}

extension PostgresServer {
    /// A login role with a password that the test server checks (SCRAM), created once per test
    /// run. The throwaway server trusts every local connection, so this adds a
    /// `local all ROLE scram-sha-256` line at the top of its pg_hba.conf and reloads it; that
    /// needs the data directory (`QGATHER_TEST_PGDATA`, exported by Scripts/with-postgres).
    static func passwordRole() async throws -> (role: String, password: String) {
        try await passwordRoleSetup.value
    }

    private static let passwordRoleSetup = Task<(role: String, password: String), any Error> {
        let role = "qgather_pw"
        let password = "pw-\(UUID().uuidString.prefix(12))"
        let data = try #require(ProcessInfo.processInfo.environment["QGATHER_TEST_PGDATA"],
                                "QGATHER_TEST_PGDATA is not set: password tests need the throwaway server of ./Scripts/test")
        try await psql("DROP ROLE IF EXISTS \(role); CREATE ROLE \(role) LOGIN PASSWORD '\(password)'")
        let hba = data + "/pg_hba.conf"
        let rules = try String(contentsOfFile: hba, encoding: .utf8)
        let rule = "local all \(role) scram-sha-256\n"
        if !rules.hasPrefix(rule) {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: hba))  // keeps the file's owner and mode
            try handle.truncate(atOffset: 0)
            try handle.write(contentsOf: Data((rule + rules).utf8))
            try handle.close()
        }
        try await psql("SELECT pg_reload_conf()")
        let wrong = try conninfo() + " user=\(role) password=wrong"
        for _ in 0..<100 {  // the postmaster reloads asynchronously
            if try await CLIRunner.tool("/usr/bin/psql", ["-X", "-At", "-d", wrong, "-c", "SELECT 1"]).status != 0 { return (role, password) }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw PasswordSetupError(message: "after reloading pg_hba.conf the server still accepts a wrong password for \(role)")
    }

    /// A login role allowed `limit` connections at once (a new one per call).
    static func limitedRole(connections limit: Int) async throws -> String {
        let role = "qg_limit_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).lowercased()
        try await psql("CREATE ROLE \(role) LOGIN CONNECTION LIMIT \(limit)")
        return role
    }
}

/// The password role could not be set up.
struct PasswordSetupError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
