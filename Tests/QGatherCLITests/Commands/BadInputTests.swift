import Foundation
import Testing

/// Deterministic binary garbage: `count` bytes from a 64-bit LCG, NUL bytes included.
private func garbage(count: Int, seed: UInt64) -> [UInt8] {
    var state = seed
    return (0..<count).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return UInt8(truncatingIfNeeded: state >> 56)
    }
}

/// The 1-based line of the first NUL byte in `bytes`.
private func lineOfFirstNUL(_ bytes: [UInt8]) -> Int {
    let nul = bytes.firstIndex(of: 0) ?? bytes.count
    return bytes[..<nul].reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
}

private let garbageBytes = garbage(count: 4096, seed: 6)

/// A conninfo that reaches no server: PostgreSQL-dialect scripts that cannot be split must be
/// refused before any connection is attempted (exit 2, not 3).
private let noServer = "host=/nonexistent-qgather-socket-dir port=5999 connect_timeout=2"

/// The bad-input corpus for the binary: SQL files, flags and databases that must fail with the
/// documented exit code and one clear stderr line, and change nothing.
enum BadInputCorpus {
    static let files: [BadInputCase] = [
        BadInputCase("missing SQL file", exit: 2, message: { "qgather: \($0.path("nope.sql")): no such file" }) { w in
            [w.path("nope.sql"), "--db", w.db]
        },
        BadInputCase("directory instead of a SQL file", exit: 2, message: { "qgather: \($0.path("dir.sql")): is a directory, not a SQL file" }) { w in
            try FileManager.default.createDirectory(atPath: w.path("dir.sql"), withIntermediateDirectories: false)
            return [w.path("dir.sql"), "--db", w.db]
        },
        .sqlFile("empty file", "", suffix: ": no SQL statements to run"),
        .sqlFile("white space only", " \n\t\r\n  \n", suffix: ": no SQL statements to run"),
        .sqlFile("comments only", "-- name: nothing\n/* block\n comment */\n-- trailing", suffix: ": no SQL statements to run"),
        .sqlFile("a statement that is only ;", ";\n", suffix: ": no SQL statements to run"),
        .sqlFile("only semicolons and comments", ";;\n-- x\n; /* y */ ;\n", suffix: ": no SQL statements to run"),
        BadInputCase("/dev/null as the SQL file", exit: 2, message: { _ in "qgather: /dev/null: no SQL statements to run" }) { w in
            ["/dev/null", "--db", w.db]
        },
        BadInputCase("/dev/zero as the SQL file (endless NULs)", exit: 2, message: { _ in "qgather: /dev/zero:1: contains a NUL byte" }, maxSeconds: 10) { w in
            ["/dev/zero", "--db", w.db]
        },
        BadInputCase("binary garbage", exit: 2,
                     message: { "qgather: \($0.path("input.sql")):\(lineOfFirstNUL(garbageBytes)): contains a NUL byte: not a SQL text file" }) { w in
            [try w.write("input.sql", bytes: garbageBytes), "--db", w.db]
        },
        .sqlBytes("UTF-16 text", [0xFF, 0xFE] + Array("SELECT 1;".utf8).flatMap { [$0, 0] }, suffix: ":1: contains a NUL byte"),
        .sqlBytes("invalid UTF-8 byte on line 3", Array("SELECT 1;\n\nSELECT '".utf8) + [0xFF] + Array("';".utf8),
                  suffix: ":3: is not valid UTF-8 text (byte 19)"),
        .sqlBytes("Latin-1 text", Array("SELECT 'caf".utf8) + [0xE9] + Array("';".utf8), suffix: ":1: is not valid UTF-8 text (byte 11)"),
        .sqlBytes("overlong UTF-8 encoding", Array("SELECT '".utf8) + [0xC0, 0xAF] + Array("';".utf8), suffix: ":1: is not valid UTF-8 text (byte 8)"),
        .sqlBytes("UTF-8 encoded surrogate", Array("SELECT '".utf8) + [0xED, 0xA0, 0x80] + Array("';".utf8), suffix: ":1: is not valid UTF-8 text (byte 8)"),
        .sqlBytes("UTF-8 sequence cut off at the end", Array("SELECT 1;\nSELECT 2; -- ".utf8) + [0xE2, 0x82], suffix: ":2: is not valid UTF-8 text (byte 23)"),
    ]

    static let largeFiles: [BadInputCase] = [
        BadInputCase("50 MB comment before one statement", exit: 0, message: { _ in "" }, stdout: "one\n1\n", maxSeconds: 60) { w in
            [try w.writeRepeated("input.sql", prefix: "/*", unit: "a very long comment ", count: 2_500_000, suffix: "*/\nSELECT 1 AS one;\n"),
             "--db", w.db, "--format", "csv"]
        },
        BadInputCase("50 MB string literal in one statement", exit: 0, message: { _ in "" }, stdout: "n\n50000000\n", maxSeconds: 60) { w in
            [try w.writeRepeated("input.sql", prefix: "SELECT length('", unit: "x", count: 50_000_000, suffix: "') AS n;\n"),
             "--db", w.db, "--format", "csv"]
        },
        BadInputCase("50 MB of SELECT 1; lines ending in an unterminated string", exit: 2,
                     message: { "qgather: \($0.path("input.sql")):5000001: unterminated string literal" }, maxSeconds: 90) { w in
            [try w.writeRepeated("input.sql", unit: "SELECT 1;\n", count: 5_000_000, suffix: "SELECT 'oops;\n"), "--db", w.db]
        },
        BadInputCase("5 MB of statements on one line ending in an unterminated string", exit: 2,
                     message: { "qgather: \($0.path("input.sql")):1: unterminated string literal" }, maxSeconds: 30) { w in
            [try w.writeRepeated("input.sql", unit: "SELECT 1;", count: 555_556, suffix: "'"), "--db", w.db]
        },
    ]

    static let unsplittable: [BadInputCase] = [
        .sqlFile("unterminated string", "SELECT 1;\nSELECT 'oops;\nSELECT 2;\n", suffix: ":2: unterminated string literal"),
        .sqlFile("unterminated quoted identifier", "SELECT 1;\n\nSELECT \"col;\n", suffix: ":3: unterminated quoted identifier"),
        .sqlFile("unterminated backtick identifier", "SELECT `col;\n", suffix: ":1: unterminated quoted identifier"),
        .sqlFile("unterminated bracket identifier", "SELECT 1;\nSELECT [col;\n", suffix: ":2: unterminated quoted identifier"),
        .sqlFile("unterminated block comment", "SELECT 1;\n/* no end;\nSELECT 2;\n", suffix: ":2: unterminated comment"),
        .sqlFile("trigger body without END", "CREATE TRIGGER t AFTER INSERT ON customers BEGIN\n  SELECT 1;\n",
                 suffix: ":1: unterminated trigger body (BEGIN without END)"),
        BadInputCase("unterminated dollar quote (--pg)", exit: 2, message: { "qgather: \($0.path("input.sql")):2: unterminated dollar-quoted string $fn$" }) { w in
            [try w.write("input.sql", "SELECT 1;\nSELECT $fn$ body;\n"), "--pg", noServer]
        },
        BadInputCase("unterminated E'' string (--pg)", exit: 2, message: { "qgather: \($0.path("input.sql")):1: unterminated string literal" }) { w in
            [try w.write("input.sql", "SELECT E'it\\'s;\n"), "--pg", noServer]
        },
        BadInputCase("unclosed nested comment (--pg)", exit: 2, message: { "qgather: \($0.path("input.sql")):1: unterminated comment" }) { w in
            [try w.write("input.sql", "/* outer /* inner */ still open;\nSELECT 1;\n"), "--pg", noServer]
        },
        BadInputCase("BEGIN ATOMIC without END (--pg)", exit: 2,
                     message: { "qgather: \($0.path("input.sql")):1: unterminated BEGIN ATOMIC body (no END)" }) { w in
            [try w.write("input.sql", "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC\n  SELECT 1;\n"), "--pg", noServer]
        },
        BadInputCase("empty standard input", exit: 2, message: { _ in "qgather: -: no SQL statements to run" }) { w in
            w.stdin = ""
            return ["-", "--db", w.db]
        },
        BadInputCase("unterminated string on standard input", exit: 2, message: { _ in "qgather: -:2: unterminated string literal" }) { w in
            w.stdin = "SELECT 1;\nSELECT 'x;\n"
            return ["-", "--db", w.db]
        },
        BadInputCase("second of two files is bad", exit: 2, message: { "qgather: \($0.path("b.sql")):1: unterminated quoted identifier" }) { w in
            [try w.write("a.sql", "SELECT 1;"), try w.write("b.sql", "SELECT \"x;"), "--db", w.db]
        },
    ]

    static let flags: [BadInputCase] = [
        .flags("unknown flag", ["--bogus"], message: "qgather: Unknown option '--bogus'"),
        .flags("--jobs 0", ["--jobs", "0"], message: "qgather: --jobs must be between 1 and 1000 (got 0)"),
        .flags("--jobs -1", ["--jobs", "-1"], message: "qgather: --jobs must be between 1 and 1000 (got -1)"),
        .flags("-j -3", ["-j", "-3"], message: "qgather: --jobs must be between 1 and 1000 (got -3)"),
        .flags("--jobs 1001", ["--jobs", "1001"], message: "qgather: --jobs must be between 1 and 1000 (got 1001)"),
        .flags("--jobs beyond Int64", ["--jobs", "99999999999999999999999"], message: "qgather: The value '99999999999999999999999' is invalid for '--jobs <jobs>'"),
        .flags("--jobs abc", ["--jobs", "abc"], message: "qgather: The value 'abc' is invalid for '--jobs <jobs>'"),
        .flags("--jobs without a value", ["--jobs"], message: "qgather: Missing value for '--jobs <jobs>'"),
        .flags("--pool-size 0", ["--pool-size", "0"], message: "qgather: --pool-size must be between 1 and 1000 (got 0)"),
        .flags("--pool-size -2", ["--pool-size", "-2"], message: "qgather: --pool-size must be between 1 and 1000 (got -2)"),
        .flags("--timeout soon", ["--timeout", "soon"], message: "qgather: --timeout 'soon' is not a duration like 500ms, 5s or 2m"),
        .flags("--timeout 0", ["--timeout", "0"], message: "qgather: --timeout '0' is not a duration"),
        .flags("--timeout -5s", ["--timeout", "-5s"], message: "qgather: --timeout '-5s' is not a duration"),
        .flags("--timeout below a millisecond", ["--timeout", "0.1ms"], message: "qgather: --timeout '0.1ms' is not a duration"),
        .flags("--timeout of 30000 years", ["--timeout", "1e12s"], message: "qgather: --timeout '1e12s' is not a duration"),
        .flags("--timeout NaN", ["--timeout", "nan"], message: "qgather: --timeout 'nan' is not a duration"),
        .flags("--format xml", ["--format", "xml"], message: "qgather: The value 'xml' is invalid for '--format <format>'"),
        .flags("--format without a value", ["--format"], message: "qgather: Missing value for '--format <format>'"),
        .flags("--per-target 0", ["--per-target", "0"], message: "qgather: --per-target must be between 1 and 1000 (got 0)"),
        .flags("--spread with one target", ["--spread"], message: "qgather: --spread needs several targets"),
        .flags("--spread with --snapshot", ["--spread", "--snapshot"], message: "qgather: --spread cannot be combined with --snapshot"),
        BadInputCase("a SQLite database given as the SQL file", exit: 2, message: { w in "qgather: \(w.db) is a SQLite database, not a SQL file: give it after --db" }) { w in
            [w.db, "--db", w.db]
        },
        BadInputCase("a targets file with a bad conninfo", exit: 2, message: { w in "qgather: \(w.path("targets.txt")):3: " }) { w in
            [try w.write("ok.sql", "SELECT 1;"), "--targets", try w.write("targets.txt", "# fleet\nlocal \(w.db)\neu host='x\n")]
        },
        BadInputCase("a targets file without targets", exit: 2, message: { w in "qgather: \(w.path("targets.txt")): no targets" }) { w in
            [try w.write("ok.sql", "SELECT 1;"), "--targets", try w.write("targets.txt", "# nothing yet\n\n")]
        },
        BadInputCase("a targets file that does not exist", exit: 2, message: { w in "qgather: \(w.path("none.txt")): cannot read the targets file" }) { w in
            [try w.write("ok.sql", "SELECT 1;"), "--targets", w.path("none.txt")]
        },
        BadInputCase("neither --db nor --pg", exit: 2, message: { _ in "qgather: no database: give --db PATH (SQLite) or --pg [CONNINFO]" }) { w in
            [try w.write("ok.sql", "SELECT 1;")]
        },
        BadInputCase("--db with an empty path", exit: 2, message: { _ in "qgather: --db needs a path" }) { w in
            [try w.write("ok.sql", "SELECT 1;"), "--db", ""]
        },
        BadInputCase("no SQL file", exit: 2, message: { _ in "qgather: no SQL file given" }) { w in
            ["--db", w.db]
        },
    ]

    static let databases: [BadInputCase] = [
        BadInputCase("missing database file", exit: 3, message: { "qgather: \($0.path("typo.db")): no such database file" }) { w in
            [try w.write("ok.sql", "SELECT 1;"), "--db", w.path("typo.db")]
        },
        BadInputCase("directory as the database", exit: 3, message: { "qgather: \($0.root): is a directory, not a database file" }) { w in
            [try w.write("ok.sql", "SELECT 1;"), "--db", w.root]
        },
        BadInputCase("text file as the database", exit: 3, message: { "qgather: \($0.path("notes.db")): file is not a database" }) { w in
            [try w.write("ok.sql", "SELECT 1;"), "--db", try w.write("notes.db", String(repeating: "not a database\n", count: 100))]
        },
        BadInputCase("random bytes as the database", exit: 3, message: { "qgather: \($0.path("random.db")): file is not a database" }) { w in
            [try w.write("ok.sql", "SELECT 1;"), "--db", try w.write("random.db", bytes: garbage(count: 8192, seed: 42))]
        },
        BadInputCase("missing database in a file: URI", exit: 3, message: { "qgather: file:\($0.path("gone.db")): unable to open database file" }) { w in
            [try w.write("ok.sql", "SELECT 1;"), "--db", "file:\(w.path("gone.db"))"]
        },
        BadInputCase("bad mode in a file: URI", exit: 3, message: { "qgather: file:\($0.db)?mode=bogus: no such access mode: bogus" }) { w in
            [try w.write("ok.sql", "SELECT 1;"), "--db", "file:\(w.db)?mode=bogus"]
        },
        BadInputCase("write to a database opened with mode=ro", exit: 1,
                     message: { "\($0.path("input.sql")):1: q1: attempt to write a readonly database" }) { w in
            [try w.write("input.sql", "DELETE FROM orders;"), "--db", "file:\(w.db)?mode=ro"]
        },
        BadInputCase("malformed postgresql:// URI in --db", exit: 3, message: { _ in "qgather: postgresql: bad connection string:" }) { w in
            [try w.write("ok.sql", "SELECT 1;"), "--db", "postgresql://bob@[::1"]
        },
        BadInputCase("SQL syntax error", exit: 1, message: { "\($0.path("input.sql")):2:1: broken: near \"SELEC\": syntax error" }) { w in
            [try w.write("input.sql", "-- name: broken\nSELEC 1;\n"), "--db", w.db]
        },
    ]

    static var all: [BadInputCase] { files + largeFiles + unsplittable + flags + databases }
}

/// End-to-end: the bad-input corpus on the binary (SQLite and argument handling; PostgreSQL,
/// locks, permissions and migrations have their own suites).
@Suite struct BadInputTests {
    @Test(arguments: BadInputCorpus.all)
    func badInputFailsCleanly(_ badCase: BadInputCase) async throws {
        try await BadInputCheck.run(badCase)
    }

    @Test func corpusHasAtLeastFortyCases() {
        #expect(BadInputCorpus.all.count >= 40)
        #expect(Set(BadInputCorpus.all.map(\.name)).count == BadInputCorpus.all.count, "case names must be unique")
    }
}
