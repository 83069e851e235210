import Foundation
import Testing

/// Where csv output differs from `sqlite3 -csv -header`, on purpose (the README lists both):
/// a query without rows keeps its header line (as psql prints it), and SQLite text holding a
/// NUL byte is printed whole (sqlite3 cuts it at the NUL). Nothing of a value is dropped.
@Suite struct CSVEngineDifferencesTests {
    private static func run(_ sql: String, format: String = "csv") async throws -> (ours: Data, sqlite3: Data) {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir, sql: "CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('ab' || char(0) || 'cd');")
        let batch = try dir.write("b.sql", sql + ";\n")
        let out = dir.path("out")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", #""$1" "$2" --db "$3" --format "$4" > "$5" && sqlite3 -csv -header "$3" "$6" > "$5.sqlite3""#, "bash",
                             CLIRunner.binary, batch, db, format, out, sql]
        let status = try await OffPool.run {
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        }
        #expect(status == 0)
        return (try Data(contentsOf: URL(fileURLWithPath: out)), try Data(contentsOf: URL(fileURLWithPath: out + ".sqlite3")))
    }

    @Test func aQueryWithoutRowsKeepsItsHeaderWhereSqlite3PrintsNothing() async throws {
        let (ours, sqlite3) = try await Self.run("SELECT x, 1 AS n FROM t WHERE 0")
        #expect(String(decoding: ours, as: UTF8.self) == "x,n\n")
        #expect(sqlite3.isEmpty)
    }

    @Test func textWithANulByteIsPrintedWholeWhereSqlite3CutsIt() async throws {
        let (ours, sqlite3) = try await Self.run("SELECT x FROM t")
        #expect(ours == Data("x\n\"ab\0cd\"\n".utf8))
        #expect(sqlite3 == Data("x\nab\n".utf8))
    }

    @Test func textWithANulByteIsWholeInEveryFormat() async throws {
        #expect(try await Self.run("SELECT x FROM t", format: "json").ours.contains(Data(#""ab\u0000cd""#.utf8)))
        #expect(try await Self.run("SELECT x FROM t", format: "table").ours.contains(Data(#" ab\x00cd"#.utf8)))
    }
}
