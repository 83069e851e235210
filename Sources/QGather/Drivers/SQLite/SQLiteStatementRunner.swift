import QGatherCSQLite

/// Prepares, steps and decodes the statements of one query on the connection's own thread.
struct SQLiteStatementRunner {
    let db: OpaquePointer
    /// Where rows go in chunks, when the caller streams them.
    var channel: RowChannel? = nil
    /// `--read-only`: a statement SQLite itself marks as writing is refused before it runs.
    /// The read-only open and `query_only` refuse writes to the database, but `VACUUM INTO`
    /// writes another file, and SQLite creates that file before it notices.
    var refuseWrites = false
    /// Rows per chunk handed to the channel.
    static let chunkSize = 1024

    /// Runs every statement in `sql`; the result is the last statement's rows (or total changes).
    func run(_ sql: String, parameters: [String: Value] = [:]) throws(QueryError) -> RowSet {
        var sql = sql
        return try sql.withUTF8 { bytes in Result { () throws(QueryError) in try run(utf8: bytes, parameters: parameters) } }.get()
    }

    /// Runs every statement of a query, read in place from its bytes (a split statement's SQL
    /// is never copied into a String or a terminated buffer: SQLite takes its length).
    func run(_ query: Query) throws(QueryError) -> RowSet {
        try query.withUTF8SQL { bytes in Result { () throws(QueryError) in try run(utf8: bytes, parameters: query.parameters) } }.get()
    }

    /// Runs every statement in the UTF-8 `sql`.
    private func run(utf8 sql: UnsafeBufferPointer<UInt8>, parameters: [String: Value]) throws(QueryError) -> RowSet {
        // SQLite stops reading at a NUL byte: the text after it would silently not run.
        if let nul = sql.firstIndex(of: 0) {
            throw QueryError(kind: .database, code: .sqliteError, message: "the SQL text contains a NUL byte (byte \(nul)): SQLite would not read past it",
                             offset: nul)
        }
        guard let start = sql.baseAddress, !sql.isEmpty else { return RowSet(columns: [], rows: [], rowsAffected: 0) }
        let base = UnsafeRawPointer(start).assumingMemoryBound(to: CChar.self)
        var offset = 0
        var last: RowSet?
        while offset < sql.count {
            var statement: OpaquePointer?
            var tail: UnsafePointer<CChar>?
            let rc = sqlite3_prepare_v3(db, base + offset, Int32(clamping: sql.count - offset), 0, &statement, &tail)
            guard rc == SQLITE_OK else {
                let errorOffset = sqlite3_error_offset(db)
                throw error(offset: errorOffset >= 0 ? offset + Int(errorOffset) : nil)
            }
            let next = tail.map { $0 - base } ?? sql.count
            // SQLite always moves on; should it not, the rest is an error, not a silent end or a loop.
            guard next > offset || statement != nil else {
                throw QueryError(kind: .database, code: .sqliteError, message: "SQLite did not read the SQL past byte \(offset)", offset: offset)
            }
            defer { offset = max(next, offset + 1) }
            guard let statement else { continue }  // only comments or white space left
            defer { sqlite3_finalize(statement) }
            if refuseWrites && sqlite3_stmt_readonly(statement) == 0 {
                throw QueryError(kind: .database, code: .sqliteReadOnly,
                                 message: "attempt to write a readonly database (--read-only refuses every statement that writes)",
                                 offset: offset > 0 ? offset : nil)  // a later statement of a multi-statement query
            }
            try bind(parameters, to: statement)
            last = try step(statement, statementOffset: offset)
        }
        return last ?? RowSet(columns: [], rows: [], rowsAffected: 0)
    }

    /// Binds `:name` parameters with `sqlite3_bind_*`; an unbound placeholder is an error, not NULL.
    private func bind(_ parameters: [String: Value], to statement: OpaquePointer) throws(QueryError) {
        let count = sqlite3_bind_parameter_count(statement)
        guard count > 0 else { return }
        for i in 1...count {
            guard let cName = sqlite3_bind_parameter_name(statement, i) else {
                throw QueryError(kind: .database, code: .sqliteRange, message: "positional parameter ?\(i) has no value (use :name placeholders)")
            }
            let name = String(String(cString: cName).dropFirst())
            guard let value = parameters[name] else {
                throw QueryError(kind: .database, code: .sqliteRange, message: "no value for parameter :\(name)")
            }
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(statement, i)
            case .integer(let v): rc = sqlite3_bind_int64(statement, i, v)
            case .real(let v): rc = sqlite3_bind_double(statement, i, v)
            case .bool(let v): rc = sqlite3_bind_int64(statement, i, v ? 1 : 0)
            case .decimal(let text), .text(let text), .json(let text):
                rc = sqlite3_bind_text64(statement, i, text, sqlite3_uint64(text.utf8.count), qgather_sqlite_transient(), UInt8(SQLITE_UTF8))
            case .blob(let bytes):
                rc = bytes.withUnsafeBytes { sqlite3_bind_blob64(statement, i, $0.baseAddress, sqlite3_uint64($0.count), qgather_sqlite_transient()) }
            }
            if rc != SQLITE_OK { throw error(offset: nil) }
        }
    }

    private func step(_ statement: OpaquePointer, statementOffset: Int) throws(QueryError) -> RowSet {
        let columnCount = Int(sqlite3_column_count(statement))
        let changesBefore = sqlite3_total_changes64(db)
        var columns: [Column] = []
        columns.reserveCapacity(columnCount)
        for i in 0..<Int32(columnCount) {
            let name = sqlite3_column_name(statement, i).map { String(cString: $0) } ?? ""
            let type = sqlite3_column_decltype(statement, i).map { String(cString: $0) } ?? ""
            columns.append(Column(name: name, type: type))
        }
        if columnCount > 0 { channel?.start(columns: columns, realRendering: .sqlite) }
        // Rows go into compact chunks: handed to the channel every `chunkSize` rows when
        // streaming, else kept (a new chunk every 64k rows keeps offsets small).
        var chunks: [RowChunk] = []
        var chunk = RowChunk(columnCount: columnCount)
        let rowsPerChunk = channel == nil ? 65_536 : Self.chunkSize
        var rowsInChunk = 0
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else {
                if let channel, !chunk.isEmpty { channel.push(chunk) }
                let errorOffset = sqlite3_error_offset(db)
                throw error(offset: errorOffset >= 0 ? statementOffset + Int(errorOffset) : nil)
            }
            for i in 0..<Int32(columnCount) { appendCell(statement, i, to: &chunk) }
            rowsInChunk += 1
            if rowsInChunk == rowsPerChunk {
                // The next chunk likely needs what this one took: reserve it up front.
                let (filledBytes, filledRows) = (chunk.byteCount, rowsInChunk)
                if let channel { channel.push(chunk) } else { chunks.append(chunk) }
                chunk = RowChunk(columnCount: columnCount, reservingRows: filledRows, bytes: filledBytes + filledBytes / 8)
                rowsInChunk = 0
            }
        }
        if columnCount == 0 {
            return RowSet(columns: [], rows: [], rowsAffected: Int(sqlite3_total_changes64(db) - changesBefore))
        }
        if let channel {
            if !chunk.isEmpty { channel.push(chunk) }
            let (held, streamed) = channel.finish()
            return RowSet(columns: columns, chunks: held, realRendering: .sqlite, streamedRowCount: streamed)
        }
        chunks.append(chunk)
        return RowSet(columns: columns, chunks: chunks, realRendering: .sqlite)
    }

    /// Appends one cell as SQLite's own text rendering (what `sqlite3 -csv` prints). Numbers are
    /// rendered here when that is certain to give SQLite's text (`SQLiteNumberText`): asking
    /// SQLite for a number's text runs its printf, the largest cost of a big export.
    @inline(__always)
    private func appendCell(_ statement: OpaquePointer, _ i: Int32, to chunk: inout RowChunk) {
        switch sqlite3_column_type(statement, i) {
        case SQLITE_INTEGER:
            let value = sqlite3_column_int64(statement, i)
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: SQLiteNumberText.maxLength) { buffer in
                let length = SQLiteNumberText.integer(value, into: buffer.baseAddress!)
                chunk.append(.integer, bytes: UnsafeRawBufferPointer(start: buffer.baseAddress, count: length))
            }
        case SQLITE_FLOAT:
            let value = sqlite3_column_double(statement, i)
            let rendered: Bool = SQLiteNumberText.realsMatchLinkedSQLite && withUnsafeTemporaryAllocation(of: UInt8.self, capacity: SQLiteNumberText.maxLength) { buffer in
                guard let length = SQLiteNumberText.real(value, into: buffer.baseAddress!) else { return false }
                chunk.appendReal(text: UnsafeRawBufferPointer(start: buffer.baseAddress, count: length), value: value)
                return true
            }
            if !rendered {
                let text = sqlite3_column_text(statement, i)
                chunk.appendReal(text: UnsafeRawBufferPointer(start: text, count: Int(sqlite3_column_bytes(statement, i))), value: value)
            }
        case SQLITE_TEXT:
            let text = sqlite3_column_text(statement, i)
            chunk.append(.text, bytes: UnsafeRawBufferPointer(start: text, count: Int(sqlite3_column_bytes(statement, i))))
        case SQLITE_BLOB:
            let blob = sqlite3_column_blob(statement, i)
            chunk.append(.blob, bytes: UnsafeRawBufferPointer(start: blob, count: Int(sqlite3_column_bytes(statement, i))))
        default:
            chunk.appendNull()
        }
    }

    private func error(offset: Int?) -> QueryError {
        let extended = sqlite3_extended_errcode(db)
        return QueryError(kind: .database, code: QueryError.Code(rawValue: SQLiteErrorCodes.name(extended)), message: String(cString: sqlite3_errmsg(db)),
                          extendedCode: extended, offset: offset)
    }
}
