/// One cell of a result: a database value as the driver decoded it.
///
/// `null` is distinct from empty text. Values the driver has no native Swift type for
/// (dates, intervals, UUIDs, arrays, ...) keep the server's text rendering in `.text`.
public enum Value: Sendable, Hashable {
    /// SQL NULL.
    case null
    /// A 64-bit integer (SQLite INTEGER, PostgreSQL int2/int4/int8).
    case integer(Int64)
    /// A floating point number (SQLite REAL, PostgreSQL float4/float8).
    case real(Double)
    /// An exact decimal number kept as its text (PostgreSQL numeric), never rounded through `Double`.
    case decimal(String)
    /// A boolean (PostgreSQL bool).
    case bool(Bool)
    /// Text (also the server's rendering of types without a dedicated case).
    case text(String)
    /// A JSON document as text (PostgreSQL json/jsonb).
    case json(String)
    /// Raw bytes (SQLite BLOB, PostgreSQL bytea).
    case blob([UInt8])

    /// Whether this is SQL NULL.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// Whether the value is a number (it prints right-aligned in tables and bare in JSON).
    public var isNumeric: Bool {
        switch self {
        case .integer, .real, .decimal: return true
        default: return false
        }
    }
}
