import Foundation
import Testing

/// Bad PostgreSQL targets: each must exit 3 with one line naming the target (never its
/// password), within the connect timeout.
enum BadPostgresCorpus {
    /// A case that runs `SELECT 1;` with `--pg` set to what `conninfo` returns.
    static func target(_ name: String, maxSeconds: Double = 15, message: @escaping @Sendable (BadInputWorkspace) -> String,
                       conninfo: @escaping @Sendable (BadInputWorkspace) async throws -> String) -> BadInputCase {
        BadInputCase(name, exit: 3, message: message, maxSeconds: maxSeconds) { w in
            [try w.write("ok.sql", "SELECT 1;"), "--pg", try await conninfo(w)]
        }
    }

    static let all: [BadInputCase] = [
        target("unknown conninfo keyword", message: { _ in "qgather: postgresql: bad connection string: invalid connection option \"nonsense\"" }) { _ in
            "host=/tmp nonsense=1"
        },
        target("unterminated quote in conninfo", message: { _ in "qgather: postgresql: bad connection string: unterminated quoted string" }) { _ in
            "host='/tmp dbname=x"
        },
        target("bad port", message: { _ in "qgather: postgresql host=localhost port=notaport…: invalid integer value \"notaport\"" }) { _ in
            "host=localhost port=notaport"
        },
        target("bad sslmode", message: { _ in "qgather: postgresql host=localhost…: invalid sslmode value: \"sometimes\"" }) { _ in
            "host=localhost sslmode=sometimes"
        },
        target("server that never answers (connect_timeout=2)", maxSeconds: 10,  // 2 s, with room for a loaded machine; without the timeout it would hang
               message: { _ in "timeout expired" }) { w in
            let server = try SilentServer()
            w.keepAlive.append(server)
            return "host=127.0.0.1 port=\(server.port) connect_timeout=2"
        },
        target("server that never answers (qgather's default 10 s connect timeout)", maxSeconds: 14,
               message: { _ in "timeout expired" }) { w in
            let server = try SilentServer()
            w.keepAlive.append(server)
            return "host=127.0.0.1 port=\(server.port)"
        },
        target("port nobody listens on", message: { _ in "qgather: postgresql host=127.0.0.1 port=1…: connection to server at \"127.0.0.1\", port 1 failed: Connection refused" }) { _ in
            "host=127.0.0.1 port=1"
        },
        target("socket directory that does not exist", message: { _ in "qgather: postgresql host=/nonexistent-qgather port=5999…: connection to server on socket…No such file or directory" }) { _ in
            "host=/nonexistent-qgather port=5999"
        },
        target("host name that does not resolve", message: { _ in "could not translate host name \"no-such-host.invalid\"" }) { _ in
            "host=no-such-host.invalid connect_timeout=5"
        },
        target("database that does not exist", message: { _ in "FATAL:  database \"qg_no_such_db\" does not exist" }) { _ in
            try PostgresServer.conninfo() + " dbname=qg_no_such_db"
        },
        target("role that does not exist", message: { _ in "FATAL:  role \"qg_no_such_role\" does not exist" }) { _ in
            try PostgresServer.conninfo() + " user=qg_no_such_role"
        },
        target("role whose only allowed connection is taken", message: { _ in "too many connections for role" }) { w in
            let role = try await PostgresServer.limitedRole(connections: 1)
            let conninfo = try PostgresServer.conninfo() + " user=\(role)"
            w.keepAlive.append(try HeldSession.psql(conninfo))
            return conninfo
        },
        target("role that may not connect at all", message: { _ in "too many connections for role" }) { _ in
            try PostgresServer.conninfo() + " user=\(try await PostgresServer.limitedRole(connections: 0))"
        },
    ]
}

/// End-to-end: unreachable, refusing and misconfigured PostgreSQL targets.
@Suite struct BadInputPostgresTests {
    @Test(arguments: BadPostgresCorpus.all)
    func badTargetExitsThree(_ badCase: BadInputCase) async throws {
        try await BadInputCheck.run(badCase)
    }

    /// A server that accepts fewer connections than `--jobs`: the pool stops growing at what it
    /// got and the batch runs on those, instead of failing the queries that found no connection.
    @Test func serverAllowingFewerConnectionsThanJobsStillRunsTheWholeBatch() async throws {
        let role = try await PostgresServer.limitedRole(connections: 2)
        let dir = try TemporaryDirectory()
        let batch = try dir.write("b.sql", (1...8).map { "SELECT \($0) AS n, pg_sleep(0.2) AS s;" }.joined(separator: "\n"))
        let result = try await CLIRunner.run([batch, "--pg", try PostgresServer.conninfo() + " user=\(role)", "--jobs", "8", "--format", "csv"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        #expect(result.stdout == (1...8).map { "n,s\n\($0),\n" }.joined(separator: "\n"))
    }
}
