import Foundation
import QGather

/// How long statements took in earlier runs, to start the longest first: a small file in the
/// user's cache directory (`$XDG_CACHE_HOME/qgather/durations`, else `~/.cache/qgather/durations`).
///
/// Each line is `KEY DURATION_US LAST_USED`, KEY a 64-bit FNV-1a hash of the target and the
/// statement's text, so the file never holds SQL text or values. At most `capacity` entries are
/// kept (those used most recently); the file is replaced atomically (written beside it, then
/// renamed). A file that cannot be read or parsed is ignored with a warning, never an error.
struct DurationHistory: Sendable {
    /// Most entries kept.
    static let capacity = 20_000

    private(set) var entries: [UInt64: (microseconds: Int64, lastUsed: Int64)] = [:]
    let url: URL?

    /// The history file's place, or nil if there is no home to put it in or `QGATHER_HISTORY`
    /// is `off` (no history is read or written).
    static func defaultURL(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        if environment["QGATHER_HISTORY"] == "off" { return nil }
        if let cache = environment["XDG_CACHE_HOME"], cache.hasPrefix("/") {
            return URL(fileURLWithPath: cache).appendingPathComponent("qgather/durations")
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return URL(fileURLWithPath: home).appendingPathComponent(".cache/qgather/durations")
    }

    /// The history in `url`; a warning (one line) when the file exists but cannot be used.
    static func load(from url: URL?) -> (history: DurationHistory, warning: String?) {
        var history = DurationHistory(url: url)
        guard let url, FileManager.default.fileExists(atPath: url.path) else { return (history, nil) }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            return (history, "warning: \(url.path): cannot read the duration history; starting queries in file order")
        }
        // Read as bytes: a line is `KEY MICROS LASTUSED` (hex, decimal, decimal); anything else
        // means the file is damaged. (Splitting it as a String costs more than the batch's start.)
        let parsed: [UInt64: (microseconds: Int64, lastUsed: Int64)]? = data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var entries: [UInt64: (microseconds: Int64, lastUsed: Int64)] = [:]
            var i = 0
            func number(radix: UInt64, last: Bool) -> UInt64? {
                var value: UInt64 = 0
                var digits = 0
                while i < bytes.count {
                    let byte = bytes[i]
                    let digit: UInt64
                    switch byte {
                    case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
                    case UInt8(ascii: "a")...UInt8(ascii: "f") where radix == 16: digit = UInt64(byte - UInt8(ascii: "a") + 10)
                    case UInt8(ascii: "A")...UInt8(ascii: "F") where radix == 16: digit = UInt64(byte - UInt8(ascii: "A") + 10)
                    default:
                        // A field ends at one space; the last at the end of its line (or of the file).
                        let end = last ? byte == UInt8(ascii: "\n") : byte == UInt8(ascii: " ")
                        guard end, digits > 0 else { return nil }
                        i += 1
                        return value
                    }
                    let (times, overflowTimes) = value.multipliedReportingOverflow(by: radix)
                    let (sum, overflowSum) = times.addingReportingOverflow(digit)
                    guard !overflowTimes, !overflowSum, digits < 20 else { return nil }
                    value = sum
                    digits += 1
                    i += 1
                }
                return last && digits > 0 ? value : nil
            }
            while i < bytes.count {
                if bytes[i] == UInt8(ascii: "\n") {  // an empty line
                    i += 1
                    continue
                }
                guard let key = number(radix: 16, last: false), let micros = number(radix: 10, last: false),
                      let used = number(radix: 10, last: true), micros <= UInt64(Int64.max), used <= UInt64(Int64.max) else { return nil }
                entries[key] = (Int64(micros), Int64(used))
            }
            return entries
        }
        guard let parsed else {
            return (DurationHistory(url: url), "warning: \(url.path): the duration history is damaged; it starts over")
        }
        history.entries = parsed
        return (history, nil)
    }

    /// The key of `sql` on `target` (a path or connection description without secrets).
    static func key(sql: String, target: String) -> UInt64 {
        var sql = sql
        return sql.withUTF8 { key(sqlBytes: $0, target: target) }
    }

    /// `key(sql:target:)` of a query's SQL, read in place.
    static func key(_ query: Query, target: String) -> UInt64 {
        query.withUTF8SQL { key(sqlBytes: $0, target: target) }
    }

    /// `key(sql:target:)` of SQL given as UTF-8 bytes.
    static func key(sqlBytes: UnsafeBufferPointer<UInt8>, target: String) -> UInt64 {
        key(sqlBytes: sqlBytes, targetHash: targetHash(target))
    }

    /// The hash state after `target` and its separator: what every key of one target starts from.
    static func targetHash(_ target: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in target.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return (hash ^ 0) &* 0x100_0000_01b3
    }

    /// The key of SQL bytes on the target whose `targetHash` is `targetHash`.
    static func key(sqlBytes: UnsafeBufferPointer<UInt8>, targetHash: UInt64) -> UInt64 {
        var hash = targetHash
        for byte in sqlBytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }

    /// The duration recorded for `key`, if any.
    func expected(_ key: UInt64) -> Duration? {
        entries[key].map { .microseconds($0.microseconds) }
    }

    /// Records that `key` took `duration` just now.
    mutating func record(_ key: UInt64, _ duration: Duration) {
        let micros = Int64(DurationText.seconds(duration) * 1_000_000)
        entries[key] = (micros, Int64(Date().timeIntervalSince1970))
    }

    /// Writes the history (the most recently used `capacity` entries); a warning on failure.
    func save() -> String? {
        guard let url else { return nil }
        let kept = entries.sorted { $0.value.lastUsed > $1.value.lastUsed }.prefix(Self.capacity)
        var text = ""
        text.reserveCapacity(kept.count * 36)
        for (key, value) in kept { text += String(key, radix: 16) + " \(value.microseconds) \(value.lastUsed)\n" }
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let temporary = url.deletingLastPathComponent().appendingPathComponent(".durations.\(getpid()).tmp")
            try Data(text.utf8).write(to: temporary)
            guard rename(temporary.path, url.path) == 0 else {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(at: temporary)
                return "warning: \(url.path): cannot save the duration history: \(reason)"
            }
            return nil
        } catch {
            return "warning: \(url.path): cannot save the duration history: \((error as NSError).localizedDescription)"
        }
    }
}
