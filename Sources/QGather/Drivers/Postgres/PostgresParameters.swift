import Foundation
import QGatherCLibPQ

/// Sends a query, binding its `:name` parameters as `$1, $2, ...` with `PQsendQueryParams`.
/// Values travel as text with no declared type, so the server gives each the type its context
/// expects; nothing is ever interpolated into the SQL.
enum PostgresParameters {
    /// What goes on the wire for a query: its SQL with `:name` placeholders as `$1, $2, ...`,
    /// and the values' texts in that order (NULL is `nil`).
    struct Bound {
        /// The SQL, placeholders rewritten.
        var sql: String
        /// The parameter values, as text.
        var values: [String?]
        /// The parameters' declared type OIDs, or nil to let the server infer each from its context.
        var types: [UInt32]? = nil
    }

    /// `query` ready to send, or nil when a placeholder has no value (the SQL then goes unchanged,
    /// so that the server rejects `:name` rather than NULL hiding the mistake).
    static func bind(_ query: Query) -> Bound? {
        let sql = query.sql  // made once: a statement split from a file keeps only its bytes
        let placeholders = SQLPlaceholder.find(in: sql, dialect: .postgres)
        guard !placeholders.isEmpty else { return Bound(sql: sql, values: []) }
        let names = SQLPlaceholder.names(placeholders)
        guard names.allSatisfy({ query.parameters[$0] != nil }) else { return nil }
        return Bound(sql: rewrite(sql, placeholders: placeholders, names: names), values: names.map { text(of: query.parameters[$0]!) })
    }

    /// Sends `query` on `connection`; returns libpq's 1 (sent) or 0 (failed). `extended` sends
    /// even a query without parameters through the extended protocol, as pipeline mode requires
    /// (which then takes a single statement).
    static func send(_ query: Query, on connection: OpaquePointer, extended: Bool = false) -> Int32 {
        send(bind(query) ?? Bound(sql: query.sql, values: []), on: connection, extended: extended)
    }

    /// Sends a query already bound (see `bind(_:)`), as an unnamed statement.
    static func send(_ bound: Bound, on connection: OpaquePointer, extended: Bool) -> Int32 {
        if bound.values.isEmpty && !extended { return PQsendQuery(connection, bound.sql) }
        return withValues(bound.values) { values in
            withTypes(bound.types) { PQsendQueryParams(connection, bound.sql, Int32(bound.values.count), $0, values, nil, nil, 0) }
        }
    }

    /// Calls `body` with `types` as the C array libpq takes (NULL when the server infers them).
    static func withTypes<R>(_ types: [UInt32]?, _ body: (UnsafePointer<Oid>?) -> R) -> R {
        guard let types else { return body(nil) }
        return types.map { Oid($0) }.withUnsafeBufferPointer { body($0.baseAddress) }
    }

    /// Calls `body` with `values` as the C array libpq takes (NULL entries for SQL NULL).
    static func withValues<R>(_ values: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
        let cStrings = values.map { $0.map { strdup($0) } ?? nil }
        defer { cStrings.forEach { free($0) } }
        let pointers: [UnsafePointer<CChar>?] = cStrings.map { pointer in pointer.map { UnsafePointer<CChar>($0) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
    }

    /// `sql` with each placeholder replaced by `$n`, n being its name's position in `names`.
    static func rewrite(_ sql: String, placeholders: [SQLPlaceholder], names: [String]) -> String {
        let bytes = Array(sql.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var cursor = 0
        for placeholder in placeholders {
            out += bytes[cursor..<placeholder.range.lowerBound]
            out += Array("$\(names.firstIndex(of: placeholder.name)! + 1)".utf8)
            cursor = placeholder.range.upperBound
        }
        out += bytes[cursor...]
        return String(decoding: out, as: UTF8.self)
    }

    /// Roughly how many bytes sending `query` puts on the wire.
    static func wireSize(of query: Query) -> Int {
        query.sql.utf8.count + query.parameters.values.reduce(0) { $0 + (text(of: $1)?.utf8.count ?? 0) + 8 } + 64
    }

    /// The text form of a parameter value; NULL is `nil`.
    static func text(of value: Value) -> String? {
        switch value {
        case .null: return nil
        case .integer(let v): return String(v)
        case .real(let v): return ValueText.postgresReal(v)
        case .bool(let v): return v ? "true" : "false"
        case .decimal(let s), .text(let s), .json(let s): return s
        case .blob(let bytes): return ValueText.postgresHex(bytes)
        }
    }
}
