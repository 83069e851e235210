@testable import QGather
import Testing

/// Row chunks copy cell text into storage they grow themselves: values come back intact, and a
/// small result keeps small storage (a batch of 100,000 one-row results holds them all).
@Suite struct RowChunkStorageTests {
    @Test func cellsOfEveryKindComeBackIntactAcrossGrowth() {
        var chunk = RowChunk(columnCount: 3)
        for n in 0..<5_000 {
            let text = String(repeating: "x", count: n % 17) + "\(n)"
            text.utf8CString.withUnsafeBytes { chunk.append(.text, bytes: UnsafeRawBufferPointer(rebasing: $0.dropLast())) }
            "\(n)".utf8CString.withUnsafeBytes { chunk.append(.integer, bytes: UnsafeRawBufferPointer(rebasing: $0.dropLast())) }
            if n % 3 == 0 { chunk.appendNull() } else { chunk.append(.real(Double(n) / 3), reals: .sqlite) }
        }
        #expect(chunk.rowCount == 5_000)
        for n in stride(from: 0, to: 5_000, by: 7) {
            #expect(chunk.value(row: n, column: 0) == .text(String(repeating: "x", count: n % 17) + "\(n)"))
            #expect(chunk.value(row: n, column: 1) == .integer(Int64(n)))
            #expect(chunk.value(row: n, column: 2) == (n % 3 == 0 ? .null : .real(Double(n) / 3)))
        }
    }

    @Test func aOneRowResultKeepsSmallStorage() {
        var chunk = RowChunk(columnCount: 2)
        chunk.append(.integer(42), reals: .sqlite)
        chunk.append(.text("answer"), reals: .sqlite)
        #expect(chunk.byteCount == 8)
        #expect(chunk.bytes.count <= 128, "a one-row chunk holds \(chunk.bytes.count) bytes")
    }
}
