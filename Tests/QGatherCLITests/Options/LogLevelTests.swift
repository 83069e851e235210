import Foundation
import Testing

/// `--log-level` sends the library's structured log to stderr; without it nothing is logged.
@Suite struct LogLevelTests {
    @Test func queriesAreLoggedOnlyWhenAsked() async throws {
        let quiet = try await CLIRunner.run(["-c", "SELECT 1 AS a", "--db", ":memory:"])
        #expect(quiet.status == 0)
        #expect(quiet.stderr.isEmpty)

        // --keep-going: under fail-fast the failing q2 may cancel q1 before it ends.
        let logged = try await CLIRunner.run(["-c", "SELECT 1 AS a; SELECT * FROM nope", "--db", ":memory:", "--keep-going", "--log-level", "debug"])
        #expect(logged.status == 1)
        #expect(logged.stdout.contains("(1 row)"))
        let lines = logged.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.contains(" debug ") && $0.contains("connection opened") && $0.contains("qgather.target=memory") })
        #expect(lines.contains { $0.contains("query finished") && $0.contains("query=q1") && $0.contains("status=ok") && $0.contains("rows=1") })
        #expect(lines.contains { $0.contains("query finished") && $0.contains("query=q2") && $0.contains("error.type=SQLITE_ERROR") })
        #expect(!lines.contains { $0.contains("query sql") })  // the SQL is for trace only
        // The usual one-line error is still there, once.
        #expect(lines.filter { $0 == "<command 1>:1: q2: no such table: nope" }.count == 1)
    }

    @Test func traceAddsTheSQLAndAPasswordNeverShows() async throws {
        let result = try await CLIRunner.run(["-c", "SELECT 42 AS answer", "--pg", try PostgresServer.conninfo() + " password=sekrit-cli-pw", "--log-level", "trace"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("sql=SELECT 42 AS answer"))
        #expect(result.stderr.contains("db.system.name=postgresql"))
        #expect(!result.stderr.contains("sekrit-cli-pw"))
    }

    @Test func anUnknownLevelIsBadUsage() async throws {
        let result = try await CLIRunner.run(["-c", "SELECT 1", "--db", ":memory:", "--log-level", "loud"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--log-level"))
    }
}
