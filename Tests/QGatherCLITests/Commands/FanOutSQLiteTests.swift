import Foundation
import Testing

/// `qgather FILE --db a.db b.db ...`: one batch on every SQLite file, merged per query.
@Suite struct FanOutSQLiteTests {
    /// Tenant files `name.db` in `dir`, each with `orders` rows of amounts 1...n.
    static func tenants(_ dir: TemporaryDirectory, _ spec: [(name: String, orders: Int)]) async throws -> [String] {
        var paths: [String] = []
        for (name, orders) in spec {
            paths.append(try await Fixtures.database(in: dir, sql: """
                CREATE TABLE orders (id INTEGER PRIMARY KEY, amount REAL);
                WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < \(orders)) INSERT INTO orders(amount) SELECT x FROM c;
                """, name: "\(name).db"))
        }
        return paths
    }

    static let checks = """
        -- name: totals
        SELECT count(*) AS orders, sum(amount) AS revenue FROM orders;
        -- name: biggest
        SELECT id, amount FROM orders ORDER BY amount DESC LIMIT 1;
        """

    @Test func rowsAreMergedPerQueryInTargetOrderWithALabelColumn() async throws {
        let dir = try TemporaryDirectory()
        let dbs = try await Self.tenants(dir, [("acme", 3), ("globex", 1), ("initech", 2)])
        let batch = try dir.write("checks.sql", Self.checks)
        let result = try await CLIRunner.run([batch, "--db"] + dbs + ["--format", "csv"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
            target,orders,revenue
            acme,3,6.0
            globex,1,1.0
            initech,2,3.0

            target,id,amount
            acme,3,3.0
            globex,1,1.0
            initech,2,2.0

            """)
        let table = try await CLIRunner.run([batch, "--db", dbs[0], "--db", dbs[1]])
        #expect(table.stdout.hasPrefix("-- totals (line 2)\n target | orders | revenue \n"), "\(table.stdout)")
        #expect(table.stdout.components(separatedBy: "-- totals").count == 2, "one title per query")
    }

    @Test func sqlFilesMayFollowTheDatabasesWhenNoneComesFirst() async throws {
        let dir = try TemporaryDirectory()
        let dbs = try await Self.tenants(dir, [("a", 1), ("b", 2)])
        let batch = try dir.write("checks.sql", "SELECT count(*) AS n FROM orders;")
        let result = try await CLIRunner.run(["--db"] + dbs + [batch, "--format", "csv"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "target,n\na,1\nb,2\n")
    }

    @Test func jsonKeepsOneObjectPerQueryWithEachTargetsPart() async throws {
        let dir = try TemporaryDirectory()
        let dbs = try await Self.tenants(dir, [("a", 1), ("b", 2)])
        let batch = try dir.write("checks.sql", "SELECT count(*) AS n FROM orders;\nSELECT * FROM nowhere;\n")
        let result = try await CLIRunner.run([batch, "--db"] + dbs + ["--format", "ndjson", "--keep-going"])
        #expect(result.status == 1)
        let objects = try result.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(objects.count == 2)
        #expect((objects[0]["columns"] as! [[String: Any]]).map { $0["name"] as! String } == ["target", "n"])
        #expect((objects[0]["rows"] as! [[Any]]).map { $0[0] as! String } == ["a", "b"])
        let targets = objects[1]["targets"] as! [[String: Any]]
        #expect(targets.map { $0["target"] as! String } == ["a", "b"])
        #expect(targets.allSatisfy { ($0["status"] as! String) == "error" && (($0["error"] as? [String: Any])?["message"] as? String)?.contains("nowhere") == true })
        #expect(objects[1]["status"] as? String == "error")
        #expect(result.stderr.contains("a: \(batch):2: q2: no such table: nowhere\n"), "\(result.stderr)")
        #expect(result.stderr.hasSuffix("qgather: 2 of 4 query runs failed\n"), "\(result.stderr)")
    }

    @Test func aMissingFileFailsOnlyItsOwnPairsUnderKeepGoing() async throws {
        let dir = try TemporaryDirectory()
        let dbs = try await Self.tenants(dir, [("a", 1), ("c", 3)])
        let batch = try dir.write("checks.sql", "SELECT count(*) AS n FROM orders;")
        let result = try await CLIRunner.run([batch, "--db", dbs[0], dir.path("missing.db"), dbs[1], "--keep-going", "--format", "csv"])
        #expect(result.status == 1)
        #expect(result.stdout == "target,n\na,1\nc,3\n")
        #expect(result.stderr.hasPrefix("missing: \(batch):1: q1: "), "\(result.stderr)")
        let none = try await CLIRunner.run([batch, "--db", dir.path("x.db"), dir.path("y.db"), "--keep-going"])
        #expect(none.status == 3)
        #expect(none.stderr.hasSuffix("qgather: none of the 2 targets could be opened\n"), "\(none.stderr)")
    }

    @Test func mismatchedColumnsFailThatPairAndSayWhichDiffer() async throws {
        let dir = try TemporaryDirectory()
        let good = try await Self.tenants(dir, [("good", 1)])[0]
        let odd = try await Fixtures.database(in: dir, sql: "CREATE TABLE orders (id INTEGER PRIMARY KEY, total REAL); INSERT INTO orders VALUES (1, 2);", name: "odd.db")
        let batch = try dir.write("checks.sql", "SELECT * FROM orders;")
        let result = try await CLIRunner.run([batch, "--db", good, odd, "--keep-going", "--format", "csv"])
        #expect(result.status == 1)
        #expect(result.stdout == "target,id,amount\ngood,1,1.0\n")
        #expect(result.stderr.contains("odd: \(batch):1: q1: columns differ from target good's: (id, total) here, (id, amount) there"), "\(result.stderr)")
    }

    @Test func failFastStopsEveryTarget() async throws {
        let dir = try TemporaryDirectory()
        let dbs = try await Self.tenants(dir, [("a", 1), ("b", 1), ("c", 1)])
        let batch = try dir.write("checks.sql", "SELECT * FROM nowhere;\n\(Fixtures.runaway);\n")
        let result = try await CLIRunner.run([batch, "--db"] + dbs + ["--jobs", "2", "--per-target", "1"], timeout: 30)
        #expect(result.status == 1)
        #expect(result.seconds < 10, "took \(result.seconds) s")
        #expect(result.stderr.contains("cancelled"), "\(result.stderr)")
    }

    @Test func targetsFileLabelsAndDuplicateLabels() async throws {
        let dir = try TemporaryDirectory()
        _ = try await Self.tenants(dir, [("a", 1), ("b", 2)])
        let file = try dir.write("fleet.txt", "# tenants\nEU a.db\n\nb.db\nEU b.db\n")
        let batch = try dir.write("checks.sql", "SELECT count(*) AS n FROM orders;")
        let result = try await CLIRunner.run([batch, "--targets", file, "--format", "csv"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "target,n\nEU,1\nb,2\nEU_2,2\n")
    }

    @Test func outDirWritesMergedFilesAndPerTargetSummaries() async throws {
        let dir = try TemporaryDirectory()
        let dbs = try await Self.tenants(dir, [("a", 1), ("b", 2)])
        let batch = try dir.write("checks.sql", "-- name: n\nSELECT count(*) AS n FROM orders;")
        let result = try await CLIRunner.run([batch, "--db"] + dbs + ["--out-dir", dir.path("out"), "--format", "csv"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOfFile: dir.path("out/n.csv"), encoding: .utf8) == "target,n\na,1\nb,2\n")
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.path("out/summary.json")))) as! [String: Any]
        let targets = ((summary["queries"] as! [[String: Any]])[0]["targets"] as! [[String: Any]])
        #expect(targets.map { $0["target"] as! String } == ["a", "b"])
        #expect(targets.map { $0["rows"] as! Int } == [1, 1])
    }

    @Test func timingShowsEachPairAndOneLanePerTarget() async throws {
        let dir = try TemporaryDirectory()
        let dbs = try (0..<50).map { try dir.write("t\($0).db", "") }
        let template = try await Self.tenants(dir, [("template", 1)])[0]
        for db in dbs { try FileManager.default.removeItem(atPath: db); try FileManager.default.copyItem(atPath: template, toPath: db) }
        let batch = try dir.write("checks.sql", "SELECT count(*) FROM orders;\nSELECT max(amount) FROM orders;\n")
        let result = try await CLIRunner.run([batch, "--db"] + dbs + ["--timing", "--timing-json", dir.path("t.json"), "--format", "csv"],
                                       environment: ["COLUMNS": "100"])
        #expect(result.status == 0, "\(result.stderr)")
        let lanes = result.stderr.split(separator: "\n").filter { $0.hasPrefix("t") && $0.contains("|") }
        #expect(lanes.count == 50, "\(result.stderr)")
        #expect(result.stderr.contains("100 query runs"), "\(result.stderr)")
        let timeline = result.stderr.components(separatedBy: "timeline:")[1].split(separator: "\n").dropFirst()
        #expect(timeline.allSatisfy { $0.count <= 100 }, "\(timeline.map(\.count).max() ?? 0) columns")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.path("t.json")))) as! [String: Any]
        let entries = json["queries"] as! [[String: Any]]
        #expect(entries.count == 100)
        #expect(Set(entries.map { $0["target"] as! String }).count == 50)
        // Times are from the start of the whole run, not of each target's part of it.
        let starts = Dictionary(grouping: entries, by: { $0["target"] as! String }).mapValues { $0.map { $0["start_ms"] as! Double }.min()! }
        #expect(starts["t49"]! > starts["t0"]!, "\(starts)")
    }

    @Test func aThousandFilesRunUnderTheDefaultDescriptorLimit() async throws {
        let dir = try TemporaryDirectory()
        let template = try await Self.tenants(dir, [("template", 2)])[0]
        try FileManager.default.createDirectory(atPath: dir.path("tenants"), withIntermediateDirectories: true)
        let tenants = dir.path("tenants")
        try await OffPool.run { for i in 0..<1000 { try FileManager.default.copyItem(atPath: template, toPath: tenants + "/t\(i).db") } }
        try dir.write("checks.sql", "SELECT count(*) AS n FROM orders;\nSELECT sum(amount) AS s FROM orders;\n")
        let script = try dir.write("run.sh", "ulimit -n 1024 && cd \"$2\" && exec \"$1\" checks.sql --db tenants/*.db --format csv --jobs 8\n")
        let result = try await CLIRunner.run([script, CLIRunner.binary, dir.url.path], timeout: 180, executable: "/bin/bash")
        #expect(result.status == 0, "\(result.stderr.prefix(500))")
        let parts = result.stdout.components(separatedBy: "\n\n")
        #expect(parts.count == 2)
        #expect(parts[0].split(separator: "\n").count == 1001)
        #expect(parts[1].split(separator: "\n").dropFirst().allSatisfy { $0.hasSuffix(",3.0") })
    }

    @Test func sessionOptionsApplyToEachTarget() async throws {
        let dir = try TemporaryDirectory()
        let dbs = try await Self.tenants(dir, [("a", 2), ("b", 3)])
        for db in dbs { #expect(try await CLIRunner.tool("/usr/bin/sqlite3", [db, "PRAGMA journal_mode = WAL"]).status == 0) }
        let reads = try dir.write("r.sql", "SELECT count(*) AS n FROM orders WHERE amount >= :min;\nSELECT count(*) AS n FROM orders;\n")
        for flags in [["--snapshot"], ["--serial"], ["--read-only"], ["--timeout", "5s"], ["--retries", "2"], ["--init", "PRAGMA cache_size = 100"]] {
            let result = try await CLIRunner.run([reads, "--db"] + dbs + ["-v", "min=2", "--format", "csv"] + flags)
            #expect(result.status == 0, "\(flags): \(result.stderr)")
            #expect(result.stdout == "target,n\na,1\nb,2\n\ntarget,n\na,2\nb,3\n", "\(flags): \(result.stdout)")
        }
        let write = try dir.write("w.sql", "DELETE FROM orders;")
        let refused = try await CLIRunner.run([write, "--db"] + dbs + ["--read-only", "--keep-going"])
        #expect(refused.status == 1)
        #expect(refused.stderr.hasPrefix("a: \(write):1: q1: attempt to write a readonly database (--read-only refuses every statement that writes)\nb: "), "\(refused.stderr)")
        let slow = try dir.write("s.sql", "\(Fixtures.runaway);")
        let timedOut = try await CLIRunner.run([slow, "--db"] + dbs + ["--timeout", "300ms", "--keep-going"], timeout: 30)
        #expect(timedOut.status == 1)
        #expect(timedOut.stderr.components(separatedBy: "timed out after 300ms").count == 3, "\(timedOut.stderr)")
    }

    @Test func migrateRunsOnEveryTargetAndReportsEachOne() async throws {
        let dir = try TemporaryDirectory()
        let migrations = dir.path("migrations")
        try FileManager.default.createDirectory(atPath: migrations, withIntermediateDirectories: true)
        try "CREATE TABLE items (id INTEGER PRIMARY KEY);".write(toFile: migrations + "/0001_items.sql", atomically: true, encoding: .utf8)
        try "ALTER TABLE items ADD COLUMN name TEXT;".write(toFile: migrations + "/0002_name.sql", atomically: true, encoding: .utf8)
        var dbs = (0..<20).map { dir.path("tenant\($0).db") }
        // tenant7 already has the column the second migration adds: it fails there, alone.
        let setup = try await Fixtures.database(in: dir, sql: "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT);", name: "tenant7.db")
        dbs[7] = setup
        let result = try await CLIRunner.run(["migrate", "--db"] + dbs + ["--dir", migrations])
        #expect(result.status == 1, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 19, "\(result.stdout)")
        #expect(lines.first == "tenant0: applied 0001_items.sql, 0002_name.sql")
        #expect(result.stderr.contains("tenant7: "), "\(result.stderr)")
        #expect(result.stderr.hasSuffix("qgather: 1 of 20 targets are not at the latest version\n"), "\(result.stderr)")
        let again = try await CLIRunner.run(["migrate", "--db"] + dbs.filter { $0 != setup } + ["--dir", migrations])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.split(separator: "\n").allSatisfy { $0.hasSuffix("nothing to apply: 2 migration(s) already applied") })
    }
}
