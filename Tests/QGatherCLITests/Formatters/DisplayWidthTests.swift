@testable import QGatherCLI
import Testing

/// Column widths and cell lines as psql computes them.
@Suite struct DisplayWidthTests {
    @Test func eastAsianWideCharactersTakeTwoColumns() {
        #expect(DisplayWidth.of("日本語") == 6)
        #expect(DisplayWidth.of("한국") == 4)
        #expect(DisplayWidth.of("ﾊﾝｶｸ") == 4)  // halfwidth katakana
        #expect(DisplayWidth.of("ＡＢ") == 4)  // fullwidth Latin
        #expect(DisplayWidth.of("😀") == 2)
        #expect(DisplayWidth.of("Zoë") == 3)
    }

    @Test func combiningAndFormatCharactersTakeNone() {
        #expect(DisplayWidth.of("e\u{0301}") == 1)
        #expect(DisplayWidth.of("a\u{200B}b") == 2)
        #expect(DisplayWidth.of("\u{20DD}") == 0)  // enclosing mark
    }

    @Test func cellLinesSplitAtNewlinesAndEscapeControlCharacters() {
        #expect(DisplayWidth.cellLines("a\nbb\n") == [.init(text: "a", width: 1), .init(text: "bb", width: 2), .init(text: "", width: 0)])
        #expect(DisplayWidth.cellLines("a\tb") == [.init(text: "a       b", width: 9)])
        #expect(DisplayWidth.cellLines("x\ry") == [.init(text: "x\\ry", width: 4)])
        #expect(DisplayWidth.cellLines("\u{01}z\u{7F}") == [.init(text: "\\x01z\\x7F", width: 9)])
        #expect(DisplayWidth.cellLines("\u{85}") == [.init(text: "\\u0085", width: 6)])
        #expect(DisplayWidth.cellLines("日\t") == [.init(text: "日      ", width: 8)])
    }

    @Test func truncateCutsToTheWidthAndMarksTheCut() {
        #expect(DisplayWidth.truncate("order_sequence_stats", to: 8) == "order_s~")
        #expect(DisplayWidth.truncate("short", to: 8) == "short")
        #expect(DisplayWidth.truncate("日本語日本語", to: 6) == "日本~")
    }
}
