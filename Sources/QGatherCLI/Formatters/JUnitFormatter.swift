import QGather

/// `junit`: one JUnit XML report for CI systems. Each query is a test case (with several targets,
/// each (query, target) pair is one, named `NAME [TARGET]`): classname its file, name its name,
/// time its elapsed seconds. A failed check is a `<failure>`, an error an `<error>`, a
/// cancelled query `<skipped>`; the message is the error's, and the element's text adds the
/// location and the first rows. Rows of passing queries are not written.
struct JUnitFormatter: OutcomeFormatter {
    private var cases: [String] = []
    private var counts = (tests: 0, failures: 0, errors: 0, skipped: 0)
    private var span: (start: Double, end: Double)?

    mutating func write(_ outcome: QueryOutcome, into output: OutputWriter) {
        if outcome.targets.isEmpty {
            add(outcome.query, name: outcome.query.name, result: outcome.result, start: outcome.startOffset, duration: outcome.duration)
        } else {
            for target in outcome.targets {
                add(outcome.query, name: "\(outcome.query.name) [\(target.label)]", result: target.result, start: target.startOffset,
                    duration: target.duration)
            }
        }
    }

    mutating func end(into output: OutputWriter) {
        let time = span.map { JUnitFormatter.seconds($0.end - $0.start) } ?? "0.000"
        let totals = "tests=\"\(counts.tests)\" failures=\"\(counts.failures)\" errors=\"\(counts.errors)\" skipped=\"\(counts.skipped)\" time=\"\(time)\""
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"qgather\" \(totals)>\n"
        xml += "  <testsuite name=\"qgather\" \(totals)>\n"
        for testCase in cases { xml += testCase }
        xml += "  </testsuite>\n</testsuites>\n"
        output.write(xml)
    }

    private mutating func add(_ query: Query, name: String, result: QueryOutcome.Result, start: Duration?, duration: Duration?) {
        counts.tests += 1
        let seconds = duration.map { DurationText.seconds($0) } ?? 0
        if let start {
            let from = DurationText.seconds(start)
            span = (min(span?.start ?? from, from), max(span?.end ?? from + seconds, from + seconds))
        }
        var xml = "    <testcase classname=\"\(Self.escape(query.file))\" name=\"\(Self.escape(name))\" time=\"\(Self.seconds(seconds))\""
        switch result {
        case .rows:
            xml += "/>\n"
        case .failed(let error):
            let element = error.kind == .checkFailed ? "failure" : "error"
            if element == "failure" { counts.failures += 1 } else { counts.errors += 1 }
            xml += ">\n      <\(element) message=\"\(Self.escape(error.message))\" type=\"\(Self.escape(error.code.rawValue))\">"
            xml += Self.escape(error.description) + "</\(element)>\n    </testcase>\n"
        case .cancelled:
            counts.skipped += 1
            xml += ">\n      <skipped message=\"cancelled\"/>\n    </testcase>\n"
        }
        cases.append(xml)
    }

    /// Seconds with three decimals, as JUnit readers expect.
    private static func seconds(_ value: Double) -> String {
        let millis = Int((value * 1000).rounded())
        let fraction = millis % 1000
        return "\(millis / 1000)." + String(repeating: "0", count: 3 - String(fraction).count) + String(fraction)
    }

    /// `text` as XML character data or an attribute value: markup escaped, and the characters
    /// XML 1.0 cannot hold (control characters but tab, newline, carriage return) as U+FFFD.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let value = scalar.value
                if value < 0x20 || value == 0xFFFE || value == 0xFFFF { out += "\u{FFFD}" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
