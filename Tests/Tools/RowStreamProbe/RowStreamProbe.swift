import Foundation
import QGather

/// Streams N generated rows through `Database.rows(_:)` and prints how many arrived, their sum
/// and the process's peak resident memory, for `RowSequenceMemoryTests`.
///
/// Usage: RowStreamProbe N [CONNINFO] [--decode]   (SQLite in memory without a conninfo; rows
/// decoded into a `Decodable` struct with `--decode`, else read as `Row`s)
@main
struct RowStreamProbe {
    struct Item: Decodable, Sendable {
        var x: Int
        var label: String
    }

    static func main() async throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let count = arguments.first.flatMap(Int.init) else {
            FileHandle.standardError.write(Data("usage: RowStreamProbe N [CONNINFO]\n".utf8))
            exit(2)
        }
        let db: Database
        let sql: SQL
        if arguments.count > 1, arguments[1] != "--decode" {
            db = try Database.postgres(arguments[1], configuration: .init(maxConnections: 1))
            sql = "SELECT x, 'row number ' || x AS label FROM generate_series(1, \(count)) AS x"
        } else {
            db = Database.sqlite(":memory:", configuration: .init(maxConnections: 1))
            sql = SQL(sql: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < :n) SELECT x, 'row number ' || x AS label FROM c",
                      parameters: ["n": .integer(Int64(count))])
        }
        var rows = 0
        var sum = 0
        if arguments.contains("--decode") {
            for try await item in db.rows(sql).decode(Item.self) {
                rows += 1
                sum &+= item.x
            }
        } else {
            for try await row in db.rows(sql) {
                rows += 1
                if case .integer(let x) = row.values[0] { sum &+= Int(x) }
            }
        }
        await db.close()
        print("rows=\(rows) sum=\(sum) peak_kib=\(peakResidentKiB())")
    }

    /// VmHWM from /proc/self/status (Linux), in KiB.
    static func peakResidentKiB() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""  // unreadable: -1, which the test refuses (it requires a positive peak)
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
    }
}
