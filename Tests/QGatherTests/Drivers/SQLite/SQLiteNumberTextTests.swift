@testable import QGather
import Testing

/// `SQLiteNumberText` against SQLite's own printf (`ValueText.sqliteReal` runs `%!.15g` in the
/// linked SQLite): whatever it renders must be byte for byte what SQLite renders.
@Suite struct SQLiteNumberTextTests {
    private func rendered(_ value: Double) -> String? {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: SQLiteNumberText.maxLength) { buffer in
            SQLiteNumberText.real(value, into: buffer.baseAddress!).map {
                String(decoding: UnsafeBufferPointer(start: buffer.baseAddress, count: $0), as: UTF8.self)
            }
        }
    }

    private func rendered(_ value: Int64) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: SQLiteNumberText.maxLength) { buffer in
            let length = SQLiteNumberText.integer(value, into: buffer.baseAddress!)
            return String(decoding: UnsafeBufferPointer(start: buffer.baseAddress, count: length), as: UTF8.self)
        }
    }

    @Test func theLinkedSQLiteIsOneWhoseRealTextIsRenderedHere() {
        // CI's SQLite is 3.40: a test run that renders nothing itself would prove nothing.
        #expect(SQLiteNumberText.realsMatchLinkedSQLite)
    }

    @Test(arguments: [
        0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 405.03, -810.06, 100.0, 1e14, 1e15, 1e16, 123456789012345.0,
        99999999999999.9, 9.99999999999999, 0.0001, 0.00001, 1.5e-5, 1e-7, 1e-22, 1e22, 1e23,
        12345.678901234, 0.000123456789012345, 2.5e-300, 1.7976931348623157e308, Double.leastNonzeroMagnitude,
        Double.pi, 1.0 / 3, 2.0 / 3, 0.1 + 0.2, 4.35, 1e21 + 1, 9007199254740993.0,
    ])
    func aRealRenderedHereIsSQLitesText(value: Double) {
        if let text = rendered(value) {
            #expect(text == ValueText.sqliteReal(value), "\(value)")
        }
    }

    @Test(arguments: [0.0, 405.03, -2.5, 1e-7, 1e14, 123456.789, 0.0001])
    func shortDecimalsAreRenderedHereNotLeftToSQLite(value: Double) {
        #expect(rendered(value) != nil, "\(value)")
    }

    @Test(arguments: [1.0 / 3, Double.pi, 0.1 + 0.2, 1.7976931348623157e308, Double.leastNonzeroMagnitude, Double.infinity, Double.nan])
    func longOrSpecialRealsAreLeftToSQLite(value: Double) {
        #expect(rendered(value) == nil, "\(value)")
    }

    @Test func randomShortDecimalsMatchSQLite() {
        // Decimals of 1 to 15 digits at exponents from -30 to 30: what stored data looks like.
        var random = SplitMix64(seed: 0x5EA1_7E47)
        var renderedHere = 0
        for _ in 0..<200_000 {
            let digits = Int.random(in: 1...15, using: &random)
            var mantissa: Int64 = 0
            for _ in 0..<digits { mantissa = mantissa * 10 + Int64.random(in: 0...9, using: &random) }
            let exponent = Int.random(in: -30...30, using: &random)
            let sign = Bool.random(using: &random) ? "-" : ""
            guard let value = Double("\(sign)\(mantissa)e\(exponent)") else { continue }
            if let text = rendered(value) {
                renderedHere += 1
                let expected = ValueText.sqliteReal(value)
                if text != expected {
                    Issue.record("\(sign)\(mantissa)e\(exponent): \(text), SQLite: \(expected)")
                    return
                }
            }
        }
        #expect(renderedHere > 80_000)  // half of them: the rest exceed 15 digits or 10^15
    }

    @Test func randomBitPatternsMatchSQLiteWhenRenderedHere() {
        var random = SplitMix64(seed: 0xB175)
        for _ in 0..<200_000 {
            let value = Double(bitPattern: random.next())
            if let text = rendered(value), text != ValueText.sqliteReal(value) {
                Issue.record("\(value.bitPattern): \(text), SQLite: \(ValueText.sqliteReal(value))")
                return
            }
        }
    }

    @Test(arguments: [Int64.min, Int64.max, 0, -1, 9, 10, -10, 1_234_567_890, -900_000_000_000_000_000] as [Int64])
    func integersAreTheirDecimalText(value: Int64) {
        #expect(rendered(value) == String(value))
    }
}
