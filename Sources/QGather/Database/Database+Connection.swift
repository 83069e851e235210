extension Database {
    /// One pooled connection lent to `Database.withConnection(_:)` or, inside a transaction, to
    /// `Database.withTransaction(_:_:)`: statements run on it in order, and session state (`SET`,
    /// temporary tables) carries from one to the next.
    public struct Connection: Sendable {
        let base: any DatabaseConnection
        let dialect: SQLDialect
        /// Inside `withTransaction`: the transaction's options.
        let transaction: TransactionOptions?
        /// The database's logs, metrics and spans.
        let instruments: DatabaseInstruments
        /// Whether the loan is still on and a `rows` loop reading; nil for `Database.rows`' own lease.
        let lease: ConnectionLease?

        /// Runs `query` (one statement, or several separated by `;`, the last result kept).
        @discardableResult
        public func execute(_ query: Query) async throws(QueryError) -> RowSet {
            try await run(query, channel: nil)
        }

        /// Runs `sql`, its interpolated values bound as parameters, and returns its rows (of the
        /// last statement, when there are several). An error names the caller's file and line.
        @discardableResult
        public func execute(_ sql: SQL, name: String? = nil, file: String = #fileID, line: Int = #line) async throws(QueryError) -> RowSet {
            try await execute(try sql.query(dialect: dialect, name: name, file: file, line: line))
        }

        /// Runs `sql` and decodes every row into `T` by column name.
        public func query<T: Decodable>(_ sql: SQL, as type: T.Type, keys: RowKeyStrategy = .useColumnNames, file: String = #fileID,
                                        line: Int = #line) async throws -> [T] {
            try await execute(sql, file: file, line: line).decode(type, keys: keys)
        }

        /// The rows of `sql` as they are read, with bounded memory (see ``RowSequence``). Finish
        /// or leave the loop before the next statement on this connection: a statement while it
        /// reads fails (the driver is waiting for the loop).
        public func rows(_ sql: SQL, file: String = #fileID, line: Int = #line) -> RowSequence {
            let connection = self
            return RowSequence(query: { () throws(QueryError) in try sql.query(dialect: dialect, name: nil, file: file, line: line) }) { (query: Query, channel: RowChannel) async throws(QueryError) in
                try connection.lease?.beginStream(query)
                defer { connection.lease?.endStream() }
                _ = try await connection.run(query, channel: channel, checked: true)
            }
        }

        /// Runs `query` as this connection's mode requires, with its errors attached to it.
        /// `checked`: the lease was checked already (a `rows` query).
        func run(_ query: Query, channel: RowChannel?, checked: Bool = false) async throws(QueryError) -> RowSet {
            if !checked { try lease?.check(query) }
            let span = instruments.startSpan(for: query, dialect: dialect)
            let started = ContinuousClock.now
            let result: Result<RowSet, QueryError>
            do {
                if let transaction {
                    result = .success(try await base.executeInOpenTransaction(query, control: QueryControl(), channel: channel, requireOpen: true,
                                                                              refuseWrites: transaction.readOnly && dialect == .sqlite))
                } else {
                    result = .success(try await base.execute(query, control: QueryControl(), channel: channel))
                }
            } catch {
                var error = error
                error.attach(to: query)
                result = .failure(error)
            }
            let outcome: QueryOutcome
            switch result {
            case .success(let rows): outcome = QueryOutcome(query: query, result: .rows(rows), duration: ContinuousClock.now - started)
            case .failure(let error):
                outcome = QueryOutcome(query: query, result: error.kind == .cancelled ? .cancelled : .failed(error), duration: ContinuousClock.now - started)
            }
            instruments.queryFinished(outcome)
            instruments.endSpan(span, outcome)
            return try result.get()
        }
    }
}
