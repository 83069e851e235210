import Foundation
import Testing

/// One batch on three PostgreSQL servers and a hot standby (the servers of `Scripts/with-fleet`).
/// Serialized: the spread tests count which server served what.
@Suite(.serialized) struct FanOutPostgresTests {
    /// A table of its own on each server, holding `n` rows on server *n* (1-based).
    private static func seededTable(_ servers: [String]) async throws -> String {
        let table = "fleet_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).lowercased()
        for (i, server) in servers.enumerated() {
            try await PostgresServer.psql("CREATE TABLE \(table) (id int, shard text); INSERT INTO \(table) SELECT g, 'shard\(i + 1)' FROM generate_series(1, \(i + 1)) g",
                                    conninfo: server)
        }
        return table
    }

    @Test func threeServersMergeInTargetOrder() async throws {
        let servers = try FleetServers.primaries()
        let table = try await Self.seededTable(servers)
        let dir = try TemporaryDirectory()
        let targets = try dir.write("fleet.txt", zip(["eu", "us", "ap"], servers).map { "\($0) \($1)" }.joined(separator: "\n") + "\n")
        let batch = try dir.write("b.sql", "-- name: counts\nSELECT count(*)::int AS n, min(shard) AS shard FROM \(table);\nSELECT max(id) AS top FROM \(table);\n")
        let result = try await CLIRunner.run([batch, "--targets", targets, "--format", "csv"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "target,n,shard\neu,1,shard1\nus,2,shard2\nap,3,shard3\n\ntarget,top\neu,1\nus,2\nap,3\n")
        // Without labels: host:port/dbname, never a password.
        let unlabelled = try await CLIRunner.run([batch, "--pg", servers[0] + " password=Secret1", "--pg", servers[1], "--format", "csv"])
        let port = servers[0].split(separator: " ").first { $0.hasPrefix("port=") }!.dropFirst(5)
        #expect(unlabelled.stdout.contains(":\(port)/qgather_test,1,shard1\n"), "\(unlabelled.stdout)")
        #expect(!unlabelled.stdout.contains("Secret1") && !unlabelled.stderr.contains("Secret1"))
    }

    @Test func postgresAndSQLiteTargetsMergeInOneRun() async throws {
        let servers = try FleetServers.primaries()
        let table = try await Self.seededTable([servers[0]])
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir, sql: "CREATE TABLE \(table) (id INTEGER, shard TEXT); INSERT INTO \(table) VALUES (7, 'local');", name: "local.db")
        let batch = try dir.write("b.sql", "SELECT id, shard FROM \(table) ORDER BY id;")
        let result = try await CLIRunner.run([batch, "--pg", servers[0], "--db", db, "--format", "csv"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("target,id,shard\nlocal,7,local\n"), "\(result.stdout)")
        #expect(result.stdout.hasSuffix("/qgather_test,1,shard1\n"), "\(result.stdout)")
    }

    @Test func failFastCancelsTheRunningQueriesOnEveryServer() async throws {
        let servers = try FleetServers.primaries()
        let app = PostgresServer.uniqueApplicationName()
        let dir = try TemporaryDirectory()
        let batch = try dir.write("b.sql", "SELECT pg_sleep(30);\nSELECT pg_sleep(30);\nSELECT pg_sleep(1), 1/0;\n")
        let result = try await CLIRunner.run([batch] + servers.flatMap { ["--pg", $0 + " application_name=\(app)"] } + ["--per-target", "3"], timeout: 40)
        #expect(result.status == 1)
        #expect(result.seconds < 10, "took \(result.seconds) s")
        #expect(result.stderr.contains("division by zero"), "\(result.stderr)")
        var left: [Int] = []
        for server in servers { left.append(try await FleetServers.waitUntilNoneActive(server, applicationName: app)) }
        #expect(left == [0, 0, 0], "queries still active per server: \(left)")
    }

    @Test func sigintCancelsEveryTargetInTheDatabases() async throws {
        let servers = try FleetServers.primaries()
        let app = PostgresServer.uniqueApplicationName()
        let dir = try TemporaryDirectory()
        let batch = try dir.write("b.sql", "SELECT pg_sleep(60);\n")
        let arguments = [batch] + servers.flatMap { ["--pg", $0 + " application_name=\(app)"] }
        let (process, out, err) = try CLIRunner.start(arguments)
        var running = 0
        for _ in 0..<200 {
            running = 0
            for server in servers { running += try await FleetServers.active(server, applicationName: app) }
            if running == 3 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let sent = Date()
        kill(process.processIdentifier, SIGINT)
        let result = await CLIRunner.finish(process, out, err, started: sent, timeout: 20)
        var left: [Int] = []
        for server in servers { left.append(try await FleetServers.waitUntilNoneActive(server, applicationName: app)) }
        #expect(running == 3)
        #expect(result.status == 130)
        #expect(result.seconds < 5, "exit took \(result.seconds) s")
        #expect(result.stderr.hasSuffix("qgather: interrupted: 3 of 3 query runs cancelled\n"), "\(result.stderr)")
        #expect(left == [0, 0, 0], "queries still active per server: \(left)")
    }

    @Test func spreadRefusesWritesAndServesReadsFromPrimaryAndStandby() async throws {
        let primary = try FleetServers.primaryWithStandby()
        let standby = try FleetServers.standby()
        let table = "spread_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).lowercased()
        try await PostgresServer.psql("CREATE TABLE \(table) AS SELECT 42 AS answer", conninfo: primary)
        try await FleetServers.waitForReplay()
        let dir = try TemporaryDirectory()
        let targets = try dir.write("replicas.txt", "primary \(primary)\nstandby \(standby)\n")
        let writes = try dir.write("w.sql", "SELECT 1;\n-- name: touch\nUPDATE \(table) SET answer = 1;\n")
        let refused = try await CLIRunner.run([writes, "--targets", targets, "--spread"])
        #expect(refused.status == 2)
        #expect(refused.stderr == "qgather: \(writes):3: touch: spread runs reads only (copies would diverge), and this statement may write\n")
        let reads = try dir.write("r.sql", String(repeating: "SELECT answer, pg_sleep(0.05) IS NULL AS slept FROM \(table);\n", count: 40))
        let result = try await CLIRunner.run([reads, "--targets", targets, "--spread", "--per-target", "2", "--format", "csv",
                                        "--timing-json", dir.path("t.json")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == String(repeating: "answer,slept\n42,f\n\n", count: 40).dropLast(1) + "")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.path("t.json")))) as! [String: Any]
        let served = (json["queries"] as! [[String: Any]]).map { $0["target"] as! String }
        #expect(served.count == 40)
        #expect(Set(served) == ["primary", "standby"], "\(served)")
    }

    @Test func twoHundredTargetsStayWithinJobsConnectionsPerServer() async throws {
        let servers = try FleetServers.primaries()
        let app = PostgresServer.uniqueApplicationName()
        let dir = try TemporaryDirectory()
        let lines = (0..<200).map { "t\($0) \(servers[$0 % 3]) application_name=\(app)" }
        let targets = try dir.write("fleet.txt", lines.joined(separator: "\n") + "\n")
        let batch = try dir.write("b.sql", "SELECT count(*)::int AS ours FROM pg_stat_activity WHERE application_name = '\(app)';\nSELECT 1 AS one;\n")
        let result = try await CLIRunner.run([batch, "--targets", targets, "--jobs", "8", "--format", "csv"], timeout: 120)
        #expect(result.status == 0, "\(result.stderr)")
        let results = result.stdout.components(separatedBy: "\n\n")
        let counts = results[0].split(separator: "\n").dropFirst().map { Int($0.split(separator: ",")[1])! }
        #expect(counts.count == 200)
        #expect(counts.max()! <= 8 + 3, "a server saw \(counts.max()!) connections of this run")  // 8 at work, a few closing
        #expect(results[1].split(separator: "\n").count == 201)
    }
}
