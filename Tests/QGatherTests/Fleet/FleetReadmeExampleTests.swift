import Foundation
import QGather
import Testing

/// The README's fan-out example, compiled and run; a second test keeps the README's copy in step.
@Suite struct FleetReadmeExampleTests {
    /// The example's body, exactly as in README.md.
    static func example() async throws -> (lines: [String], rows: [[Value]]) {
        let fleet = DatabaseFleet(["eu", "us"].map { FleetMember(label: $0, database: .sqlite(":memory:")) })
        for member in fleet.members {
            try await member.database.execute("CREATE TABLE orders (amount INTEGER); INSERT INTO orders VALUES (10), (32)")
        }
        let merged = await fleet.gather(Batch(sql: ["SELECT count(*) AS n, sum(amount) AS total FROM orders"]),
                                        options: FleetOptions(perTarget: 2))
        var lines: [String] = []
        for target in merged[0].targets {  // each target's own result, in target order
            lines.append("\(target.label): \(target.rowSet?.rows ?? [])")
        }
        let rows = try merged[0].get().rows  // [["eu", 2, 42], ["us", 2, 42]]: a first column "target"
        await fleet.close()
        return (lines, rows)
    }

    @Test func readmeFleetExampleMergesEachTargetsRows() async throws {
        let (lines, rows) = try await Self.example()
        #expect(lines == ["eu: [[QGather.Value.integer(2), QGather.Value.integer(42)]]", "us: [[QGather.Value.integer(2), QGather.Value.integer(42)]]"])
        #expect(rows == [[.text("eu"), .integer(2), .integer(42)], [.text("us"), .integer(2), .integer(42)]])
    }

    @Test func readmeShowsTheSameFleetExampleCode() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        func section(_ text: String) throws -> [String] {
            let start = try #require(text.range(of: "let fleet = DatabaseFleet("))
            let end = try #require(text.range(of: "await fleet.close()", range: start.upperBound..<text.endIndex))
            return text[start.lowerBound..<end.upperBound].split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        #expect(try section(readme) == section(source))
    }
}
