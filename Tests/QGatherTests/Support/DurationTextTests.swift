import QGather
import Testing

/// `--timeout` values.
@Suite struct DurationTextTests {
    @Test func validDurationsParse() {
        #expect(DurationText.parse("500ms") == .milliseconds(500))
        #expect(DurationText.parse("1ms") == .milliseconds(1))
        #expect(DurationText.parse("5s") == .seconds(5))
        #expect(DurationText.parse("2m") == .seconds(120))
        #expect(DurationText.parse("1.5") == .milliseconds(1500))
    }

    @Test(arguments: ["", "soon", "0", "-5s", "0.1ms", "0.0009s", "nan", "inf", "1e12s", "5 minutes", "ms"])
    func badDurationsAreRefused(text: String) {
        #expect(DurationText.parse(text) == nil)
    }
}
