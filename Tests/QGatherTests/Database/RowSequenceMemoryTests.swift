import Foundation
import Testing

/// Streaming a result through `rows(_:)` holds a bounded number of rows: the peak memory of a
/// process that reads 10 million rows stays under 64 MiB, and does not grow with the row count.
/// Measured in a process of its own (Tests/Tools/RowStreamProbe), which reports its peak RSS.
@Suite struct RowSequenceMemoryTests {
    struct Report {
        var rows: Int
        var sum: Int
        var peakMiB: Double
    }

    static func probe(_ arguments: [String]) async throws -> Report {
        let result = try await ServiceExampleTests.run("RowStreamProbe", arguments)
        try #require(result.status == 0, "\(result.stderr)")
        var fields: [String: Int] = [:]
        for pair in result.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let parts = pair.split(separator: "=")
            if parts.count == 2, let value = Int(parts[1]) { fields[String(parts[0])] = value }
        }
        let peak = try #require(fields["peak_kib"])
        try #require(peak > 0, "the probe could not read its peak memory")
        return Report(rows: try #require(fields["rows"]), sum: try #require(fields["sum"]), peakMiB: Double(peak) / 1024)
    }

    @Test func tenMillionDecodedSQLiteRowsStayUnder64MiB() async throws {
        let n = 10_000_000
        let report = try await Self.probe([String(n), "--decode"])
        #expect(report.rows == n)
        #expect(report.sum == n * (n + 1) / 2)
        #expect(report.peakMiB < 64, "peak \(report.peakMiB) MiB")
    }

    @Test func postgresRowsStreamInMemoryThatDoesNotGrowWithTheirNumber() async throws {
        let conninfo = try TestDatabases.postgresConninfo()
        let small = try await Self.probe(["100000", conninfo])
        let large = try await Self.probe(["2000000", conninfo])
        #expect(small.rows == 100_000 && large.rows == 2_000_000)
        #expect(large.sum == 2_000_000 * 2_000_001 / 2)
        #expect(large.peakMiB < 64, "peak \(large.peakMiB) MiB")
        // Twenty times the rows, about the same memory: nothing is kept per row.
        #expect(large.peakMiB - small.peakMiB < 4, "\(small.peakMiB) MiB for 100k rows, \(large.peakMiB) MiB for 2M")
    }
}
