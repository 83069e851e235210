/// A value that does not fit the Swift type asked for, or a column that does not exist.
public struct RowDecodingError: Error, Sendable, CustomStringConvertible {
    /// The column's name (or index, as text).
    public var column: String
    /// The row, from 0.
    public var row: Int
    /// The Swift type asked for.
    public var type: String
    /// What was found instead.
    public var found: String

    /// `column "total" (row 3): cannot decode REAL 10.5 as Int`.
    public var description: String {
        "column \"\(column)\" (row \(row)): \(found.isEmpty ? "no such column" : "cannot decode \(found) as \(type)")"
    }
}

extension RowSet {
    /// The value at `row` and `column` (by name) as `T`; a clear error names the column and type when it does not fit.
    public func value<T: DatabaseValueConvertible>(_ type: T.Type = T.self, row: Int, column: String) throws(RowDecodingError) -> T {
        guard let index = columnIndex(named: column) else {
            throw RowDecodingError(column: column, row: row, type: "\(T.self)", found: "")
        }
        return try value(type, row: row, column: index)
    }

    /// The value at `row` and `column` (by index) as `T`.
    public func value<T: DatabaseValueConvertible>(_ type: T.Type = T.self, row: Int, column: Int) throws(RowDecodingError) -> T {
        guard rows.indices.contains(row), columns.indices.contains(column) else {
            throw RowDecodingError(column: "#\(column)", row: row, type: "\(T.self)", found: "")
        }
        let cell = rows[row][column]
        guard let converted = T.fromDatabase(cell) else {
            throw RowDecodingError(column: columns[column].name, row: row, type: "\(T.self)", found: describe(cell, column: column))
        }
        return converted
    }

    /// The value at `row` and `column` as `T?`: nil for NULL, an error if a non-NULL value does not fit.
    public func optionalValue<T: DatabaseValueConvertible>(_ type: T.Type = T.self, row: Int, column: String) throws(RowDecodingError) -> T? {
        guard let index = columnIndex(named: column) else {
            throw RowDecodingError(column: column, row: row, type: "\(T.self)?", found: "")
        }
        if rows[row][index].isNull { return nil }
        return try value(type, row: row, column: index)
    }

    /// Every row decoded into `T` by column name. With `.convertFromSnakeCase`, a column
    /// `customer_id` fills a property `customerId`.
    public func decode<T: Decodable>(_ type: T.Type, keys: RowKeyStrategy = .useColumnNames) throws -> [T] {
        let lookup = ColumnLookup(columns: columns, keys: keys)
        return try rows.indices.map { try T(from: RowDecoder(rowSet: self, row: $0, lookup: lookup)) }
    }

    func describe(_ value: Value, column: Int) -> String {
        let type = columns[column].type.isEmpty ? kind(of: value) : columns[column].type
        return value.isNull ? "NULL" : "\(type) \(text(of: value) ?? "")"
    }

    private func kind(of value: Value) -> String {
        switch value {
        case .null: return "NULL"
        case .integer: return "INTEGER"
        case .real: return "REAL"
        case .decimal: return "NUMERIC"
        case .bool: return "BOOLEAN"
        case .text: return "TEXT"
        case .json: return "JSON"
        case .blob: return "BLOB"
        }
    }
}

/// How property names of a `Decodable` row type map to column names.
public enum RowKeyStrategy: Sendable {
    /// A property matches the column of the same name (then case-insensitively).
    case useColumnNames
    /// `snake_case` columns fill `camelCase` properties.
    case convertFromSnakeCase
}

/// Finds a column for a coding key.
struct ColumnLookup {
    private var indexes: [String: Int] = [:]

    init(columns: [Column], keys: RowKeyStrategy) {
        for (i, column) in columns.enumerated().reversed() {
            let name = keys == .convertFromSnakeCase ? ColumnLookup.camelCase(column.name) : column.name
            indexes[name] = i
            indexes[name.lowercased()] = indexes[name.lowercased()] ?? i
        }
    }

    func index(of key: String) -> Int? {
        indexes[key] ?? indexes[key.lowercased()]
    }

    static func camelCase(_ name: String) -> String {
        let parts = name.split(separator: "_", omittingEmptySubsequences: true)
        guard let first = parts.first else { return name }
        return String(first) + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}

/// A `Decoder` over one row: a keyed container whose keys are column names.
struct RowDecoder: Decoder {
    let rowSet: RowSet
    let row: Int
    let lookup: ColumnLookup
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(RowContainer<Key>(decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath, debugDescription: "rows decode as keyed containers (structs), by column name"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(Any.self, .init(codingPath: codingPath, debugDescription: "rows decode as keyed containers (structs), by column name; use RowSet.value(_:row:column:) for single values"))
    }
}

/// Reads a row's cells by column name, converting with `DatabaseValueConvertible`.
struct RowContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: RowDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    var allKeys: [Key] { decoder.rowSet.columns.compactMap { Key(stringValue: $0.name) } }

    func contains(_ key: Key) -> Bool { decoder.lookup.index(of: key.stringValue) != nil }

    private func cell(_ key: Key) throws -> (Int, Value) {
        guard let index = decoder.lookup.index(of: key.stringValue) else {
            throw RowDecodingError(column: key.stringValue, row: decoder.row, type: "", found: "")
        }
        return (index, decoder.rowSet.rows[decoder.row][index])
    }

    func decodeNil(forKey key: Key) throws -> Bool { try cell(key).1.isNull }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let (index, value) = try cell(key)
        guard let convertible = T.self as? any DatabaseValueConvertible.Type else {
            throw RowDecodingError(column: decoder.rowSet.columns[index].name, row: decoder.row, type: "\(T.self) (not DatabaseValueConvertible)",
                                   found: decoder.rowSet.describe(value, column: index))
        }
        guard let converted = convertible.fromDatabase(value) as? T else {
            throw RowDecodingError(column: decoder.rowSet.columns[index].name, row: decoder.row, type: "\(T.self)",
                                   found: decoder.rowSet.describe(value, column: index))
        }
        return converted
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        throw DecodingError.typeMismatch(type, .init(codingPath: codingPath + [key], debugDescription: "nested containers are not supported in rows"))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath + [key], debugDescription: "nested containers are not supported in rows"))
    }

    func superDecoder() throws -> any Decoder { decoder }
    func superDecoder(forKey key: Key) throws -> any Decoder { decoder }
}
