import Foundation
import QGatherCSQLite

/// Renders values as text the way the engine's own command-line tool would.
package enum ValueText {
    /// The text of `value`, or `nil` for NULL. SQLite blobs render as their bytes up to the first
    /// NUL decoded as UTF-8, as the sqlite3 shell prints `sqlite3_column_text`; PostgreSQL bytea renders as `\x` hex like psql.
    package static func render(_ value: Value, reals: RealRendering) -> String? {
        switch value {
        case .null: return nil
        case .integer(let i): return String(i)
        case .real(let d): return reals == .sqlite ? sqliteReal(d) : postgresReal(d)
        case .decimal(let s), .text(let s), .json(let s): return s
        case .bool(let b): return b ? "t" : "f"
        case .blob(let bytes):
            if reals == .postgres { return postgresHex(bytes) }
            // sqlite3_column_text of a blob, read as a C string: it ends at the first NUL.
            return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// SQLite's own rendering of a REAL (`%!.15g`), produced by SQLite itself.
    package static func sqliteReal(_ d: Double) -> String {
        withVaList([d]) { args in
            guard let cString = sqlite3_vmprintf("%!.15g", args) else { return String(d) }
            defer { sqlite3_free(cString) }
            return String(cString: cString)
        }
    }

    /// PostgreSQL's `float8out`: the shortest digits that round-trip, in `%g` layout
    /// (exponent form when the exponent is below -4 or at least 15).
    package static func postgresReal(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        if d == 0 { return d.sign == .minus ? "-0" : "0" }
        // Swift's description gives the shortest round-trip digits; re-lay them out.
        var text = "\(d.magnitude)"
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...])!
            text = String(text[..<e])
        }
        var digits = text.replacingOccurrences(of: ".", with: "")
        let pointPosition = (text.firstIndex(of: ".").map { text.distance(from: text.startIndex, to: $0) } ?? text.count)
        // Strip leading zeros, adjusting the decimal exponent.
        var decimalExponent = pointPosition - 1 + exponent
        while digits.hasPrefix("0") && digits.count > 1 {
            digits.removeFirst()
            decimalExponent -= 1
        }
        while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
        let sign = d < 0 ? "-" : ""
        if decimalExponent < -4 || decimalExponent >= 15 {
            var mantissa = String(digits.first!)
            if digits.count > 1 { mantissa += "." + digits.dropFirst() }
            let expSign = decimalExponent < 0 ? "-" : "+"
            let expDigits = String(abs(decimalExponent))
            return sign + mantissa + "e" + expSign + (expDigits.count < 2 ? "0" + expDigits : expDigits)
        }
        if decimalExponent < 0 {
            return sign + "0." + String(repeating: "0", count: -decimalExponent - 1) + digits
        }
        let integerCount = decimalExponent + 1
        if digits.count <= integerCount {
            return sign + digits + String(repeating: "0", count: integerCount - digits.count)
        }
        let split = digits.index(digits.startIndex, offsetBy: integerCount)
        return sign + digits[..<split] + "." + digits[split...]
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// bytea's hex output format: `\x` then two lowercase hex digits per byte.
    package static func postgresHex(_ bytes: [UInt8]) -> String {
        var out = [UInt8]("\\x".utf8)
        out.reserveCapacity(2 + bytes.count * 2)
        for b in bytes {
            out.append(hexDigits[Int(b >> 4)])
            out.append(hexDigits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// bytea's hex output `\x0a1b...` to bytes.
    static func decodePostgresHex(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x") else { return Array(bytes) }
        func nibble(_ c: UInt8) -> UInt8 {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            default: return c &- UInt8(ascii: "A") &+ 10
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count - 2) / 2)
        var i = 2
        while i + 1 < bytes.count {
            out.append(nibble(bytes[i]) << 4 | nibble(bytes[i + 1]))
            i += 2
        }
        return out
    }
}
