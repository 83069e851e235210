import Foundation
import Testing

/// The table format against psql itself: the same query through `psql` and `qgather --pg`
/// prints the same aligned table, byte for byte (after qgather's title line).
@Suite struct TableFormatterPostgresTests {
    static let sql = """
        SELECT E'a\\nbbb\\nc' AS x, E'1\\n2' AS z, 3 AS n, '日本語' AS j, E'a\\tb' AS t, E'x\\ry' AS r, E'\\x01z' AS c,
               'ﾊﾝｶｸ' AS h, E'e\\u0301' AS comb, '😀' AS emoji, NULL::int AS nul, 1.50::numeric AS num, E'ab\\n' AS trail,
               1 AS "two
        lines"
        UNION ALL
        SELECT 'short', '', 12345, '한국', '', '', '', '', '', '', 7, NULL, 'q', 2
        UNION ALL
        SELECT repeat('long ', 30), 'x', 0, 'ＡＢ', E'\\t', '', '', '', '', '', NULL, -0.5, E'\\n\\n', 3
        """

    /// psql's aligned output of `sql`, with extra `-P` settings.
    static func psql(_ sql: String, settings: [String] = []) async throws -> String {
        let conninfo = try PostgresServer.conninfo()
        let result = try await CLIRunner.tool("/usr/bin/psql", ["-X", "-d", conninfo, "-P", "pager=off"] + settings.flatMap { ["-P", $0] } + ["-c", sql],
                                        environment: ["PGCLIENTENCODING": "UTF8"])
        #expect(result.status == 0)
        return result.stdout
    }

    /// qgather's table output of `sql`, without the title line.
    static func qgather(_ sql: String, flags: [String] = []) async throws -> String {
        let dir = try TemporaryDirectory()
        let batch = try dir.write("b.sql", sql + ";\n")
        let result = try await CLIRunner.run([batch, "--pg", try PostgresServer.conninfo()] + flags)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("-- q1 (line 1)\n"))
        return String(result.stdout.drop { $0 != "\n" }.dropFirst())
    }

    @Test func multiLineWideAndControlCharactersMatchPsql() async throws {
        let ours = try await Self.qgather(Self.sql)
        let theirs = try await Self.psql(Self.sql)
        #expect(ours == theirs)
        #expect(theirs.contains("+| 1+|"), "the query exercises multi-line cells: \(theirs)")
    }

    @Test func nullStringMatchesPsqlsNullSetting() async throws {
        let ours = try await Self.qgather(Self.sql, flags: ["--null", "NULL"])
        let theirs = try await Self.psql(Self.sql, settings: ["null=NULL"])
        #expect(ours == theirs)
        #expect(theirs.contains("NULL"))
    }
}
