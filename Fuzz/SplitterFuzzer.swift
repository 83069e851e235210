/// libFuzzer entry point for the SQL splitter (built by `Fuzz/run` together with the splitter's
/// sources and the property checks of `Tests/QGatherTests/Script/Support/SplitProperties.swift`).
///
/// The first byte picks the dialect (even: SQLite, odd: PostgreSQL); the rest is the script.
/// Any violated property is a crash, which libFuzzer saves as a reproducer.
@_cdecl("LLVMFuzzerTestOneInput")
public func splitterFuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let dialect: SQLDialect = data[0] & 1 == 0 ? .sqlite : .postgres
    let text = String(decoding: UnsafeBufferPointer(start: data + 1, count: size - 1), as: UTF8.self)
    let report = SplitProperties.check(text, dialect: dialect)
    if !report.problems.isEmpty {
        fatalError("splitter property violated (\(dialect)): \(report.problems.joined(separator: "; "))\ninput: \(text.debugDescription)")
    }
    return 0
}
