import Foundation
import Testing

/// End-to-end, on a real server: what PostgreSQL's own regression SQL showed the splitter
/// reading otherwise than psql. Each result must come back; none may vanish or merge.
@Suite struct RealWorldSQLPostgresTests {
    private static let backslashBatch = #"select 'a\'b' as x; select 2 as y; select 3 as z;"# + "\n"

    @Test func initTurningStandardConformingStringsOffKeepsEveryResult() async throws {
        let dir = try TemporaryDirectory()
        let batch = try dir.write("s.sql", Self.backslashBatch)
        let result = try await CLIRunner.run([batch, "--pg", try PostgresServer.conninfo(), "--format", "csv",
                                        "--init", "SET standard_conforming_strings = off"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "x\na'b\n\ny\n2\n\nz\n3\n")
    }

    @Test func databaseWhoseDefaultIsOffIsSplitAsTheServerReadsIt() async throws {
        let conninfo = try await PostgresServer.freshDatabase()
        let name = try #require(conninfo.split(separator: "=").last.map(String.init))
        try await PostgresServer.psql("ALTER DATABASE \(name) SET standard_conforming_strings = off")
        let dir = try TemporaryDirectory()
        let batch = try dir.write("s.sql", Self.backslashBatch)
        let result = try await CLIRunner.run([batch, "--pg", conninfo, "--format", "csv"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "x\na'b\n\ny\n2\n\nz\n3\n")
    }

    @Test func setInASerialFileChangesHowItsLaterStringsAreSplitAsPsqlDoes() async throws {
        let dir = try TemporaryDirectory()
        let sql = "SET standard_conforming_strings = off;\n" + Self.backslashBatch
        let batch = try dir.write("s.sql", sql)
        let result = try await CLIRunner.run([batch, "--pg", try PostgresServer.conninfo(), "--serial", "--format", "csv"])
        #expect(result.status == 0, "\(result.stderr)")
        let psql = try await CLIRunner.tool("/usr/bin/psql", ["-X", "-q", "--csv", "-d", try PostgresServer.conninfo(), "-f", batch])
        #expect(psql.stdout == "x\na'b\ny\n2\nz\n3\n")
        #expect(result.stdout.hasSuffix("x\na'b\n\ny\n2\n\nz\n3\n"), "\(result.stdout)")
    }

    @Test func unknownSettingRefusesTheBatchNamingTheLine() async throws {
        let dir = try TemporaryDirectory()
        let batch = try dir.write("s.sql", "SELECT set_config('standard_conforming_strings', 'off', false);\n" + Self.backslashBatch)
        let result = try await CLIRunner.run([batch, "--pg", try PostgresServer.conninfo(), "--serial"])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("qgather: \(batch):2: cannot tell where this string ends: standard_conforming_strings was changed at \(batch):1"),
                "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func parenthesisedMultiActionRuleRunsWholeAsWithPsql() async throws {
        let conninfo = try await PostgresServer.freshDatabase()
        let dir = try TemporaryDirectory()
        let batch = try dir.write("rule.sql", """
            CREATE TABLE t (x int); CREATE TABLE a (x int); CREATE TABLE b (x int);
            CREATE RULE r AS ON INSERT TO t DO INSTEAD (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2));
            INSERT INTO t VALUES (0);
            SELECT (SELECT count(*) FROM a) AS a, (SELECT count(*) FROM b) AS b, (SELECT count(*) FROM t) AS t;

            """)
        let result = try await CLIRunner.run([batch, "--pg", conninfo, "--serial", "--keep-going", "--format", "csv"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasSuffix("a,b,t\n1,1,0\n"), "\(result.stdout)")
    }

    @Test func arraySliceBoundsRunWithoutParameters() async throws {
        let dir = try TemporaryDirectory()
        let batch = try dir.write("slices.sql", """
            SELECT a[1:n] AS s, a[lo:hi] AS t, (ARRAY[[1,2],[3,4]])[1][1:NULL] AS u
            FROM (SELECT ARRAY[10,20,30] AS a, 2 AS n, 2 AS lo, 3 AS hi) AS v;

            """)
        let result = try await CLIRunner.run([batch, "--pg", try PostgresServer.conninfo(), "--format", "csv"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "s,t,u\n\"{10,20}\",\"{20,30}\",\n")
    }
}
