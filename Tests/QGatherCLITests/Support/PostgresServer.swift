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
    static func psql(_ sql: String, conninfo: String? = nil, csv: Bool = false) throws -> String {
        let target = try conninfo ?? self.conninfo()
        let result = try CLIRunner.tool("/usr/bin/psql", ["-X", "-d", target, "-v", "ON_ERROR_STOP=1"] + (csv ? ["--csv"] : ["-At"]) + ["-c", sql])
        #expect(result.status == 0, "psql failed: \(sql)")
        return result.stdout
    }

    /// Queries of `applicationName` still active on the server (other than psql's own).
    static func activeQueries(applicationName: String) throws -> Int {
        let count = try psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = '\(applicationName)' AND state <> 'idle'")
        return Int(count.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// Waits (up to 20 s, for a loaded machine) until `count` queries of `applicationName` are active.
    static func waitForActive(applicationName: String, count: Int) throws -> Int {
        var active = -1
        for _ in 0..<200 {
            active = try activeQueries(applicationName: applicationName)
            if active == count { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return active
    }

    /// A new empty database; returns its conninfo.
    static func freshDatabase() throws -> String {
        let name = "qg_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        try psql("CREATE DATABASE \(name)")
        return try conninfo() + " dbname=\(name)"
    }

    /// A unique application name for one test.
    static func uniqueApplicationName() -> String {
        "qgt_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).lowercased()
    }
}
