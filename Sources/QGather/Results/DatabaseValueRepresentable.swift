import Foundation

/// A Swift value that binds as a database `Value`: what ``SQL`` interpolation accepts.
public protocol DatabaseValueRepresentable: Sendable {
    /// The value to bind.
    var databaseValue: Value { get }
}

extension Value: DatabaseValueRepresentable {
    /// The value itself.
    public var databaseValue: Value { self }
}

extension Int64: DatabaseValueRepresentable {
    /// An integer.
    public var databaseValue: Value { .integer(self) }
}

extension Int: DatabaseValueRepresentable {
    /// An integer.
    public var databaseValue: Value { .integer(Int64(self)) }
}

extension Int32: DatabaseValueRepresentable {
    /// An integer.
    public var databaseValue: Value { .integer(Int64(self)) }
}

extension Double: DatabaseValueRepresentable {
    /// A floating-point number.
    public var databaseValue: Value { .real(self) }
}

extension Decimal: DatabaseValueRepresentable {
    /// An exact number, bound as its decimal text (PostgreSQL `numeric` keeps every digit).
    public var databaseValue: Value { .decimal(NSDecimalNumber(decimal: self).description(withLocale: Locale(identifier: "en_US_POSIX"))) }
}

extension String: DatabaseValueRepresentable {
    /// Text.
    public var databaseValue: Value { .text(self) }
}

extension Substring: DatabaseValueRepresentable {
    /// Text.
    public var databaseValue: Value { .text(String(self)) }
}

extension Bool: DatabaseValueRepresentable {
    /// A boolean (SQLite stores 1 or 0).
    public var databaseValue: Value { .bool(self) }
}

extension UUID: DatabaseValueRepresentable {
    /// The UUID's lower-case text, which PostgreSQL's `uuid` accepts.
    public var databaseValue: Value { .text(uuidString.lowercased()) }
}

extension Data: DatabaseValueRepresentable {
    /// Bytes (SQLite BLOB, PostgreSQL `bytea`).
    public var databaseValue: Value { .blob([UInt8](self)) }
}

extension Array: DatabaseValueRepresentable where Element == UInt8 {
    /// Bytes (SQLite BLOB, PostgreSQL `bytea`).
    public var databaseValue: Value { .blob(self) }
}

extension Date: DatabaseValueRepresentable {
    /// UTC text with milliseconds and an explicit offset, `2024-07-01 09:30:00.000+00:00`:
    /// SQLite's date functions read it, and PostgreSQL's `timestamptz` gets the exact instant.
    /// `±infinity` for infinite dates (PostgreSQL reads them), NULL for NaN; years before 1 and
    /// after 9999 print as PostgreSQL reads them (`0044-03-15 ... BC`, `10000-01-01 ...`), which
    /// SQLite's date functions do not.
    public var databaseValue: Value {
        let interval = timeIntervalSince1970
        if interval.isNaN { return .null }
        // Beyond about ±292 million years the milliseconds overflow Int64: PostgreSQL's infinities.
        guard interval.isFinite, abs(interval) < 9e12 else { return .text(interval > 0 ? "infinity" : "-infinity") }
        // To the nearest millisecond: `.123` is stored a hair below, and must not print as `.122`.
        let total = Int64((interval * 1000).rounded())
        var seconds = total / 1000
        var millis = total - seconds * 1000
        if millis < 0 {
            millis += 1000
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = Self.civilDate(daysSinceEpoch: days)
        func pad(_ n: Int64, _ width: Int) -> String {
            let text = String(n)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let era = year <= 0 ? " BC" : ""  // astronomical year 0 is 1 BC
        return .text("\(pad(year <= 0 ? 1 - year : year, 4))-\(pad(month, 2))-\(pad(day, 2)) \(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):"
            + "\(pad(secondOfDay % 60, 2)).\(pad(millis, 3))+00:00" + era)
    }

    /// Year, month and day of the proleptic Gregorian calendar (Howard Hinnant's `civil_from_days`).
    private static func civilDate(daysSinceEpoch: Int64) -> (Int64, Int64, Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension Optional: DatabaseValueRepresentable where Wrapped: DatabaseValueRepresentable {
    /// The wrapped value, or NULL.
    public var databaseValue: Value { self?.databaseValue ?? .null }
}

extension Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByNilLiteral {
    /// `"2024-07-01"`: text.
    public init(stringLiteral value: String) { self = .text(value) }
    /// `10`: an integer.
    public init(integerLiteral value: Int64) { self = .integer(value) }
    /// `2.5`: a floating-point number.
    public init(floatLiteral value: Double) { self = .real(value) }
    /// `true`: a boolean.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// `nil`: NULL.
    public init(nilLiteral: ()) { self = .null }
}
