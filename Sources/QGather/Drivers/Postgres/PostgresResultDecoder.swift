import QGatherCLibPQ

/// Turns a `PGresult` into a `RowSet` or a `QueryError`.
enum PostgresResultDecoder {
    /// The columns and rows of a tuples result.
    static func rows(of result: OpaquePointer) -> RowSet {
        let (columns, kinds) = columns(of: result)
        var chunk = RowChunk(columnCount: columns.count)
        append(rowsOf: result, kinds: kinds, to: &chunk)
        return RowSet(columns: columns, chunks: [chunk], realRendering: .postgres)
    }

    /// A result's columns, and how each column's text is kept (by type OID).
    static func columns(of result: OpaquePointer) -> ([Column], [RowChunk.Kind]) {
        var columns: [Column] = []
        var kinds: [RowChunk.Kind] = []
        for c in 0..<PQnfields(result) {
            let oid = PQftype(result, c)
            kinds.append(PostgresTypes.kind(oid))
            columns.append(Column(name: String(cString: PQfname(result, c)), type: PostgresTypes.name(oid)))
        }
        return (columns, kinds)
    }

    /// Copies the server's text of every cell of `result` onto the end of `chunk`.
    static func append(rowsOf result: OpaquePointer, kinds: [RowChunk.Kind], to chunk: inout RowChunk) {
        let columnCount = Int32(kinds.count)
        for r in 0..<PQntuples(result) {
            for c in 0..<columnCount {
                if PQgetisnull(result, r, c) != 0 {
                    chunk.appendNull()
                } else {
                    chunk.append(kinds[Int(c)], bytes: UnsafeRawBufferPointer(start: PQgetvalue(result, r, c), count: Int(PQgetlength(result, r, c))))
                }
            }
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
        return QueryError(kind: .database, code: field("C").map(QueryError.Code.init(rawValue:)) ?? .internalError, message: message, severity: field("V") ?? field("S"),
                          detail: field("D"), hint: field("H"), offset: offset)
    }
}
