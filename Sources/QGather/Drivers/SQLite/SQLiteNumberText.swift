import QGatherCSQLite

/// SQLite's own text for numbers, produced without asking SQLite: `sqlite3_column_text` on a
/// number formats it with SQLite's printf (a REAL through `%!.15g`, in long double arithmetic),
/// which took a quarter of the time of a large SQLite → csv export.
///
/// Integers are exact. A REAL is rendered here only when it is the double nearest to a decimal
/// of at most 15 significant digits (stored prices, measurements and the like): SQLite's 15-digit
/// rounding then lands on that decimal for certain, so the text is the same. Any other REAL
/// (and every REAL under a SQLite version not checked against this) returns nil, and the caller
/// asks SQLite. `SQLiteNumberTextTests` compares both with SQLite's own printf.
enum SQLiteNumberText {
    /// Bytes a rendering may need.
    static let maxLength = 32

    /// Whether the linked SQLite renders a REAL the way `real(_:into:)` assumes: `%!.15g`, the
    /// conversion of SQLite 3.40–3.42 (later versions changed how REALs become text).
    static let realsMatchLinkedSQLite: Bool = {
        let version = sqlite3_libversion_number()
        return version >= 3_040_000 && version < 3_043_000
    }()

    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var p = 1.0
        for _ in 0..<exponent { p *= 10 }  // exact: every 10^k up to 10^22 is a double
        return p
    }

    /// Writes `value` in decimal at `out`; returns the length.
    @inline(__always)
    static func integer(_ value: Int64, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var magnitude = value.magnitude
        var length = 0
        if value < 0 {
            out[0] = UInt8(ascii: "-")
            length = 1
        }
        var digits = 1
        var scan = magnitude
        while scan >= 10 {
            scan /= 10
            digits += 1
        }
        var position = length + digits - 1
        repeat {
            out[position] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10)
            magnitude /= 10
            position -= 1
        } while magnitude > 0
        return length + digits
    }

    /// Writes SQLite's `%!.15g` text of `value` at `out` and returns its length, or returns nil
    /// when `value` is not exactly a short decimal's double (see the type's comment).
    static func real(_ value: Double, into out: UnsafeMutablePointer<UInt8>) -> Int? {
        guard value.isFinite else { return nil }
        if value == 0 {
            // SQLite prints both zeros as 0.0 (its sign test is `< 0.0`).
            for (i, byte) in "0.0".utf8.enumerated() { out[i] = byte }
            return 3
        }
        let magnitude = value.magnitude
        // The fewest decimal places k for which magnitude is the double nearest n / 10^k.
        // n and 10^k are exact doubles and IEEE division rounds correctly, so the check is exact.
        var places = 0
        var scaled: UInt64 = 0
        while true {
            guard places < powersOfTen.count else { return nil }
            let power = powersOfTen[places]
            let candidate = (magnitude * power).rounded()
            guard candidate < 1e15 else { return nil }  // more than 15 significant digits
            if candidate >= 1, candidate / power == magnitude {
                scaled = UInt64(candidate)
                break
            }
            places += 1
        }
        // The significant digits of `scaled`, trailing zeros dropped.
        var digitBuffer: (UInt64, UInt64) = (0, 0)  // 16 bytes of room for at most 15 digits
        return withUnsafeMutableBytes(of: &digitBuffer) { raw -> Int in
            let digits = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let count = integer(Int64(scaled), into: digits)
            let exponent = count - 1 - places
            var significant = count
            while significant > 1 && digits[significant - 1] == UInt8(ascii: "0") { significant -= 1 }
            return layOut(digits: digits, count: significant, exponent: exponent, negative: value < 0, into: out)
        }
    }

    /// SQLite's `%!.15g` layout of 0.d₁d₂… × 10^(exponent+1): fixed notation for exponents
    /// from -4 to 14, else `d.ddde±XX`; always a digit after the point.
    private static func layOut(digits: UnsafeMutablePointer<UInt8>, count: Int, exponent: Int, negative: Bool,
                               into out: UnsafeMutablePointer<UInt8>) -> Int {
        var at = 0
        func put(_ byte: UInt8) {
            out[at] = byte
            at += 1
        }
        if negative { put(UInt8(ascii: "-")) }
        if exponent < -4 || exponent > 14 {
            put(digits[0])
            put(UInt8(ascii: "."))
            if count == 1 { put(UInt8(ascii: "0")) }
            for i in 1..<max(count, 1) { put(digits[i]) }
            put(UInt8(ascii: "e"))
            put(exponent < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            var e = abs(exponent)
            if e >= 100 {
                put(UInt8(ascii: "0") + UInt8(e / 100))
                e %= 100
            }
            put(UInt8(ascii: "0") + UInt8(e / 10))
            put(UInt8(ascii: "0") + UInt8(e % 10))
        } else if exponent < 0 {
            put(UInt8(ascii: "0"))
            put(UInt8(ascii: "."))
            for _ in 0..<(-exponent - 1) { put(UInt8(ascii: "0")) }
            for i in 0..<count { put(digits[i]) }
        } else {
            for i in 0...exponent { put(i < count ? digits[i] : UInt8(ascii: "0")) }
            put(UInt8(ascii: "."))
            if count > exponent + 1 {
                for i in (exponent + 1)..<count { put(digits[i]) }
            } else {
                put(UInt8(ascii: "0"))
            }
        }
        return at
    }
}
