import QGatherCLibPQ

/// Turns a `PGresult` into a `RowSet` or a `QueryError`.
enum PostgresResultDecoder {
    /// The columns and rows of a tuples result, decoded by column type OID.
    static func rows(of result: OpaquePointer) -> RowSet {
        let (columns, oids) = columns(of: result)
        var rows: [[Value]] = []
        rows.reserveCapacity(Int(PQntuples(result)))
        append(rowsOf: result, oids: oids, to: &rows)
        return RowSet(columns: columns, rows: rows, realRendering: .postgres)
    }

    /// A result's columns and their type OIDs.
    static func columns(of result: OpaquePointer) -> ([Column], [UInt32]) {
        var columns: [Column] = []
        var oids: [UInt32] = []
        for c in 0..<PQnfields(result) {
            let oid = PQftype(result, c)
            oids.append(oid)
            columns.append(Column(name: String(cString: PQfname(result, c)), type: PostgresTypes.name(oid)))
        }
        return (columns, oids)
    }

    /// Decodes the rows of `result` onto the end of `rows`.
    static func append(rowsOf result: OpaquePointer, oids: [UInt32], to rows: inout [[Value]]) {
        let columnCount = oids.count
        for r in 0..<PQntuples(result) {
            var row: [Value] = []
            row.reserveCapacity(columnCount)
            for c in 0..<Int32(columnCount) {
                if PQgetisnull(result, r, c) != 0 {
                    row.append(.null)
                    continue
                }
                let length = Int(PQgetlength(result, r, c))
                let bytes = UnsafeRawPointer(PQgetvalue(result, r, c)!).assumingMemoryBound(to: UInt8.self)
                row.append(PostgresTypes.decode(UnsafeBufferPointer(start: bytes, count: length), oid: oids[Int(c)]))
            }
            rows.append(row)
        }
    }

    /// The error in a failed result: SQLSTATE, severity, message, detail, hint and position.
    static func error(of result: OpaquePointer, sql: String, scrub: (String) -> String) -> QueryError {
        func field(_ code: Character) -> String? {
            PQresultErrorField(result, Int32(code.asciiValue!)).map { String(cString: $0) }
        }
        var message = field("M") ?? scrub(String(cString: PQresultErrorMessage(result)))
        if message.isEmpty { message = "query failed" }
        // The server reports a 1-based position in characters; errors keep UTF-8 byte offsets.
        let offset = field("P").flatMap(Int.init).map { position in
            sql.unicodeScalars.prefix(max(0, position - 1)).reduce(0) { $0 + String($1).utf8.count }
        }
        return QueryError(kind: .database, code: field("C") ?? "XX000", message: message, severity: field("V") ?? field("S"),
                          detail: field("D"), hint: field("H"), offset: offset)
    }
}
