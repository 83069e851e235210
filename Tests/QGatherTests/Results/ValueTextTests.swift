import QGather
import Testing

@Suite struct ValueTextTests {
    // MARK: SQLite reals (%!.15g)

    @Test(arguments: [
        (1.0, "1.0"),
        (0.1, "0.1"),
        (1.0 / 3, "0.333333333333333"),
        (1e20, "1.0e+20"),
        (100.0, "100.0"),
        (-2.5, "-2.5"),
        (1.5e-5, "1.5e-05"),
        (123456.789, "123456.789"),
    ])
    func sqliteRealMatchesTheSQLiteShell(value: Double, expected: String) {
        #expect(ValueText.sqliteReal(value) == expected)
    }

    // MARK: PostgreSQL reals (float8out)

    @Test(arguments: [
        (1.0, "1"),
        (0.1, "0.1"),
        (1.0 / 3, "0.3333333333333333"),
        (1e15, "1e+15"),
        (1e14, "100000000000000"),
        (123456.789, "123456.789"),
        (1.5e-5, "1.5e-05"),
        (0.0001, "0.0001"),
        (-2.5, "-2.5"),
        (100.0, "100"),
        (0.0, "0"),
        (-0.0, "-0"),
        (1e100, "1e+100"),
        (-1.25e-7, "-1.25e-07"),
    ])
    func postgresRealMatchesFloat8Out(value: Double, expected: String) {
        #expect(ValueText.postgresReal(value) == expected)
    }

    @Test func postgresRealSpellsNaNAndInfinities() {
        #expect(ValueText.postgresReal(.nan) == "NaN")
        #expect(ValueText.postgresReal(.infinity) == "Infinity")
        #expect(ValueText.postgresReal(-.infinity) == "-Infinity")
    }

    // MARK: bytea

    @Test func postgresHexIsBackslashXAndLowercasePairs() {
        #expect(ValueText.postgresHex([]) == "\\x")
        #expect(ValueText.postgresHex([0x00, 0xAB, 0xFF, 0x10, 0x7F]) == "\\x00abff107f")
    }

    // MARK: render

    @Test func renderNullIsNilInBothEngines() {
        #expect(ValueText.render(.null, reals: .sqlite) == nil)
        #expect(ValueText.render(.null, reals: .postgres) == nil)
    }

    @Test func renderEmptyTextIsEmptyStringNotNil() {
        #expect(ValueText.render(.text(""), reals: .sqlite) == "")
        #expect(ValueText.render(.text(""), reals: .postgres) == "")
    }

    @Test func renderBoolIsTOrF() {
        #expect(ValueText.render(.bool(true), reals: .postgres) == "t")
        #expect(ValueText.render(.bool(false), reals: .postgres) == "f")
    }

    @Test func renderIntegerIsDecimal() {
        #expect(ValueText.render(.integer(0), reals: .sqlite) == "0")
        #expect(ValueText.render(.integer(-42), reals: .sqlite) == "-42")
        #expect(ValueText.render(.integer(Int64.max), reals: .postgres) == "9223372036854775807")
        #expect(ValueText.render(.integer(Int64.min), reals: .postgres) == "-9223372036854775808")
    }

    @Test func renderRealFollowsTheEngineRendering() {
        #expect(ValueText.render(.real(1.0), reals: .sqlite) == "1.0")
        #expect(ValueText.render(.real(1.0), reals: .postgres) == "1")
        #expect(RowSet(columns: [], rows: [], realRendering: .postgres).text(of: .real(100.0)) == "100")
        #expect(RowSet(columns: [], rows: []).text(of: .real(100.0)) == "100.0")
    }

    @Test func renderTextDecimalAndJSONVerbatim() {
        #expect(ValueText.render(.text("h\u{E9}llo"), reals: .sqlite) == "h\u{E9}llo")
        #expect(ValueText.render(.decimal("12345678901234567890.000001"), reals: .postgres) == "12345678901234567890.000001")
        #expect(ValueText.render(.json(#"{"a": [1, 2]}"#), reals: .postgres) == #"{"a": [1, 2]}"#)
    }

    @Test func renderBlobAsSQLiteTextStopsAtFirstNUL() {
        #expect(ValueText.render(.blob(Array("ab".utf8) + [0] + Array("cd".utf8)), reals: .sqlite) == "ab")
        #expect(ValueText.render(.blob([]), reals: .sqlite) == "")
    }

    @Test func renderBlobAsPostgresIsHex() {
        #expect(ValueText.render(.blob([0x61, 0x00, 0xFE]), reals: .postgres) == "\\x6100fe")
    }
}
