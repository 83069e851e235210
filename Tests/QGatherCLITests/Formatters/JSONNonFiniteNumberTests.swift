import Foundation
import Testing

/// Parses `text` as strict JSON (Foundation's parser refuses `NaN`, `Infinity` and other
/// non-standard constants, as JavaScript's `JSON.parse` does).
private func strictJSON(_ text: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8))
}

/// Every engine and type writes NaN and ±Infinity the one way PostgreSQL's `to_json` does: as
/// the strings "NaN", "Infinity", "-Infinity" — never a bare token, never `null` (which is NULL).
@Suite struct JSONNonFiniteNumberTests {
    @Test(arguments: ["[NaN]", "[-Infinity]", "[Infinity]"])
    func theStrictParserRefusesNonStandardConstants(text: String) {
        #expect(throws: (any Error).self) { try strictJSON(text) }
    }

    @Test func postgresNonFiniteNumbersMatchToJsonForEveryType() async throws {
        let cells = "'NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric, 'NaN'::float8, 'Infinity'::float8, "
            + "'-Infinity'::float4, 1.5::numeric, NULL::float8"
        let dir = try TemporaryDirectory()
        let batch = try dir.write("n.sql", "SELECT \(cells);\n")
        let result = try await CLIRunner.run([batch, "--pg", try PostgresServer.conninfo(), "--format", "ndjson"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try strictJSON(result.stdout) as? [String: Any], "\(result.stdout)")
        let rows = try #require(object["rows"] as? [[Any]])
        let ours = try JSONSerialization.data(withJSONObject: rows[0])
        let theirs = try await PostgresServer.psql("SELECT json_build_array(\(cells))").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try JSONSerialization.jsonObject(with: ours) as? NSArray == strictJSON(theirs) as? NSArray, "ours \(result.stdout), to_json \(theirs)")
        #expect(result.stdout.contains(#""rows":[["NaN","Infinity","-Infinity","NaN","Infinity","-Infinity",1.5,null]]"#), "\(result.stdout)")
    }

    @Test func sqliteInfinitiesAreStringsNotNull() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let batch = try dir.write("inf.sql", "SELECT 9e999 AS pos, -9e999 AS neg, NULL AS n;\n")
        for format in ["json", "ndjson"] {
            let result = try await CLIRunner.run([batch, "--db", db, "--format", format])
            #expect(result.status == 0, "\(result.stderr)")
            _ = try strictJSON(result.stdout)
            #expect(result.stdout.contains(#""rows":[["Infinity","-Infinity",null]]"#), "\(result.stdout)")
        }
    }
}
