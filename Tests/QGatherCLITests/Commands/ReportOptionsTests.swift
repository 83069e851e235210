import Foundation
import Testing

/// End-to-end: --param, --read-only, --serial, --init and the refusal of session statements.
@Suite struct ReportOptionsTests {
    @Test func paramBindsValuesAndInjectionIsJustAString() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        let batch = try dir.write("b.sql", "-- name: lookup\nSELECT count(*) AS hits, :name AS asked FROM customers WHERE name = :name OR id = :id;\n")
        let evil = "'; DROP TABLE customers; --"
        let result = try await CLIRunner.run([batch, "--db", db, "--param", "name=\(evil)", "-v", "id=2", "--format", "csv"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "hits,asked\n1,\"\(evil.replacingOccurrences(of: "\"", with: "\"\""))\"\n")
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before)
        let count = try await CLIRunner.tool("/usr/bin/sqlite3", [db, "SELECT count(*) FROM customers"])
        #expect(count.stdout == "4\n")
    }

    @Test func paramInjectionOnPostgresLeavesTheDataUnchanged() async throws {
        let conninfo = try await PostgresServer.freshDatabase()
        try await PostgresServer.psql("CREATE TABLE customers (id int, name text); INSERT INTO customers VALUES (1, 'Ada')", conninfo: conninfo)
        let dir = try TemporaryDirectory()
        let batch = try dir.write("b.sql", "SELECT count(*) AS hits, :name::text AS asked FROM customers WHERE name = :name;\n")
        for evil in ["'; DROP TABLE customers; --", "x' OR '1'='1", "$$; DROP TABLE customers; $$", "\\'; DELETE FROM customers; --"] {
            let result = try await CLIRunner.run([batch, "--pg", conninfo, "--param", "name=\(evil)", "--format", "json"])
            #expect(result.status == 0, "\(result.stderr)")
            let array = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
            let rows = try #require(array[0]["rows"] as? [[Any]])
            #expect(rows[0][0] as? Int == 0)
            #expect(rows[0][1] as? String == evil)
        }
        await #expect(try PostgresServer.psql("SELECT count(*) FROM customers", conninfo: conninfo) == "1\n")
    }

    @Test func missingParameterExitsTwoNamingQueryLineAndParameter() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let batch = try dir.write("b.sql", "SELECT 1;\n-- name: by_city\nSELECT * FROM customers WHERE city = :city;\n")
        let result = try await CLIRunner.run([batch, "--db", db])
        #expect(result.status == 2)
        #expect(result.stderr == "qgather: \(batch):3: by_city: no value for parameter :city (give --param city=VALUE)\n")
        #expect(result.stdout.isEmpty)
    }

    @Test func unusedParameterIsAWarning() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let batch = try dir.write("b.sql", "SELECT 1 AS one;\n")
        let result = try await CLIRunner.run([batch, "--db", db, "--param", "spare=1", "--format", "csv"])
        #expect(result.status == 0)
        #expect(result.stderr == "qgather: warning: --param spare is not used by any query\n")
        #expect(result.stdout == "one\n1\n")
    }

    @Test func malformedParamExitsTwo() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let batch = try dir.write("b.sql", "SELECT 1;\n")
        for bad in ["novalue", "=x", "1x=2", "a-b=3"] {
            let result = try await CLIRunner.run([batch, "--db", db, "--param", bad])
            #expect(result.status == 2, "\(bad)")
            #expect(result.stderr.contains("must be NAME=VALUE"), "\(bad): \(result.stderr)")
        }
    }

    @Test func sessionStatementsAreRefusedInParallelAndRunWithSerial() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let batch = try dir.write("b.sql", "BEGIN;\nINSERT INTO customers (id, name) VALUES (10, 'Tmp');\nSELECT count(*) AS n FROM customers;\nROLLBACK;\nSELECT count(*) AS n FROM customers;\n")
        let parallel = try await CLIRunner.run([batch, "--db", db])
        #expect(parallel.status == 2)
        #expect(parallel.stderr.contains("\(batch):1: q1: BEGIN would apply to one random connection"), "\(parallel.stderr)")
        #expect(parallel.stderr.contains("--init") && parallel.stderr.contains("--serial"))
        let serial = try await CLIRunner.run([batch, "--db", db, "--serial", "--format", "csv"])
        #expect(serial.status == 0, "\(serial.stderr)")
        #expect(serial.stdout == "n\n5\n\nn\n4\n")
    }

    @Test func readOnlyRefusesWritesWithTheQueryNamed() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        let batch = try dir.write("b.sql", "-- name: sneaky\nDELETE FROM customers;\n")
        let result = try await CLIRunner.run([batch, "--db", db, "--read-only"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(batch):2: sneaky: attempt to write a readonly database"), "\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before)
    }

    @Test func initRunsOnEveryConnection() async throws {
        let dir = try TemporaryDirectory()
        let batch = try dir.write("b.sql", "SELECT current_setting('search_path') AS p;\nSELECT current_setting('search_path') AS p;\n")
        let result = try await CLIRunner.run([batch, "--pg", try PostgresServer.conninfo(), "--init", "SET search_path = shop, public", "--jobs", "2", "--format", "csv"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "p\n\"shop, public\"\n\np\n\"shop, public\"\n")
    }
}
