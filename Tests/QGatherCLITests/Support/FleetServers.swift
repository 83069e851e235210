import Foundation
import Testing

/// The PostgreSQL servers of the fan-out tests: the test server, the two more servers and the
/// hot standby of the first of them that `Scripts/with-fleet` starts. Tests that need them fail
/// (never skip) without them.
enum FleetServers {
    private static func variable(_ name: String) throws -> String {
        try #require(ProcessInfo.processInfo.environment[name], "\(name) is not set: run the tests with ./Scripts/test, which starts the fleet")
    }

    /// The three primaries: the test server, A and B.
    static func primaries() throws -> [String] {
        [try PostgresServer.conninfo(), try variable("QGATHER_TEST_FLEET_A"), try variable("QGATHER_TEST_FLEET_B")]
    }

    /// Server A, which has a standby.
    static func primaryWithStandby() throws -> String { try variable("QGATHER_TEST_FLEET_A") }

    /// The hot standby of server A.
    static func standby() throws -> String { try variable("QGATHER_TEST_FLEET_STANDBY") }

    /// psql's answer to `sql` on `conninfo`, unaligned; throws (records nothing, so it may run
    /// off the cooperative pool) when psql fails.
    static func psql(_ sql: String, conninfo: String) async throws -> String {
        let result = try await CLIRunner.tool("/usr/bin/psql", ["-X", "-d", conninfo, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql])
        guard result.status == 0 else { throw PsqlFailure(sql: sql) }
        return result.stdout
    }

    /// psql failed.
    struct PsqlFailure: Error {
        let sql: String
    }

    /// Active sessions of `applicationName` on the server of `conninfo` (other than psql's own).
    static func active(_ conninfo: String, applicationName: String) async throws -> Int {
        let count = try await psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = '\(applicationName)' AND state = 'active'",
                                            conninfo: conninfo)
        return Int(count.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// Waits (up to 10 s) until no query of `applicationName` is active on the server of
    /// `conninfo` any more (a cancelled query ends a moment after its cancel request arrives);
    /// returns how many still are.
    static func waitUntilNoneActive(_ conninfo: String, applicationName: String) async throws -> Int {
        var active = -1
        for _ in 0..<100 {
            active = try await self.active(conninfo, applicationName: applicationName)
            if active == 0 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        return active
    }

    /// The standby did not replay its primary's writes within 10 s.
    struct CatchUpFailure: Error {}

    /// Waits until the standby has replayed what its primary has written so far.
    static func waitForReplay() async throws {
        let primaryLSN = try await psql("SELECT pg_current_wal_lsn()", conninfo: primaryWithStandby()).trimmingCharacters(in: .whitespacesAndNewlines)
        for _ in 0..<200 {
            let caughtUp = try await psql("SELECT pg_last_wal_replay_lsn() >= '\(primaryLSN)'::pg_lsn", conninfo: standby())
            if caughtUp.hasPrefix("t") { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw CatchUpFailure()
    }
}
