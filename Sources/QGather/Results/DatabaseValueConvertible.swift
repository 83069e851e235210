import Foundation

/// A Swift type a database `Value` converts to, for row decoding.
public protocol DatabaseValueConvertible {
    /// The value as this type, or nil if it does not fit (NULL never fits; use an Optional).
    static func fromDatabase(_ value: Value) -> Self?
}

extension Int64: DatabaseValueConvertible {
    /// Converts a database value to this type, or nil if it does not fit.
    public static func fromDatabase(_ value: Value) -> Int64? {
        switch value {
        case .integer(let i): return i
        case .decimal(let s), .text(let s): return Int64(s)
        case .real(let d): return d.rounded() == d && abs(d) < 9.2e18 ? Int64(d) : nil
        default: return nil
        }
    }
}

extension Int: DatabaseValueConvertible {
    /// Converts a database value to this type, or nil if it does not fit.
    public static func fromDatabase(_ value: Value) -> Int? { Int64.fromDatabase(value).flatMap { Int(exactly: $0) } }
}

extension Int32: DatabaseValueConvertible {
    /// Converts a database value to this type, or nil if it does not fit.
    public static func fromDatabase(_ value: Value) -> Int32? { Int64.fromDatabase(value).flatMap { Int32(exactly: $0) } }
}

extension Double: DatabaseValueConvertible {
    /// Converts a database value to this type, or nil if it does not fit.
    public static func fromDatabase(_ value: Value) -> Double? {
        switch value {
        case .real(let d): return d
        case .integer(let i): return Double(i)
        case .decimal(let s), .text(let s): return Double(s)
        default: return nil
        }
    }
}

extension Decimal: DatabaseValueConvertible {
    /// Exact for PostgreSQL numeric and for integers (the text is parsed, never passed through Double).
    public static func fromDatabase(_ value: Value) -> Decimal? {
        switch value {
        case .decimal(let s), .text(let s): return Decimal(string: s, locale: Locale(identifier: "en_US_POSIX"))
        case .integer(let i): return Decimal(i)
        case .real(let d): return Decimal(string: ValueText.postgresReal(d), locale: Locale(identifier: "en_US_POSIX"))
        default: return nil
        }
    }
}

extension String: DatabaseValueConvertible {
    /// Converts a database value to this type, or nil if it does not fit.
    public static func fromDatabase(_ value: Value) -> String? {
        switch value {
        case .null, .blob: return nil
        case .text(let s), .decimal(let s), .json(let s): return s
        default: return ValueText.render(value, reals: .postgres)
        }
    }
}

extension Bool: DatabaseValueConvertible {
    /// Converts a database value to this type, or nil if it does not fit.
    public static func fromDatabase(_ value: Value) -> Bool? {
        switch value {
        case .bool(let b): return b
        case .integer(let i): return i == 0 ? false : i == 1 ? true : nil
        case .text(let s):
            switch s.lowercased() {
            case "t", "true", "1", "yes": return true
            case "f", "false", "0", "no": return false
            default: return nil
            }
        default: return nil
        }
    }
}

extension UUID: DatabaseValueConvertible {
    /// Converts a database value to this type, or nil if it does not fit.
    public static func fromDatabase(_ value: Value) -> UUID? {
        switch value {
        case .text(let s): return UUID(uuidString: s)
        case .blob(let b) where b.count == 16:
            return UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
        default: return nil
        }
    }
}

extension Data: DatabaseValueConvertible {
    /// Converts a database value to this type, or nil if it does not fit.
    public static func fromDatabase(_ value: Value) -> Data? {
        switch value {
        case .blob(let b): return Data(b)
        case .text(let s): return Data(s.utf8)
        default: return nil
        }
    }
}

extension Array: DatabaseValueConvertible where Element == UInt8 {
    /// Converts a database value to this type, or nil if it does not fit.
    public static func fromDatabase(_ value: Value) -> [UInt8]? {
        switch value {
        case .blob(let b): return b
        case .text(let s): return Array(s.utf8)
        default: return nil
        }
    }
}

extension Date: DatabaseValueConvertible {
    /// Dates and timestamps as the engines print them (`2024-02-29`, `2024-02-29 13:45:01.5`,
    /// `2024-02-29T13:45:01Z`, `... +05:30`; no zone means UTC), or Unix seconds.
    public static func fromDatabase(_ value: Value) -> Date? {
        switch value {
        case .integer(let i): return Date(timeIntervalSince1970: TimeInterval(i))
        case .real(let d): return Date(timeIntervalSince1970: d)
        case .text(let s): return TimestampParser.parse(s)
        default: return nil
        }
    }
}
