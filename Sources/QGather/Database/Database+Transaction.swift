extension Database {
    /// Runs `body` inside one transaction on one pooled connection: Swift code between its
    /// statements, committed when `body` returns, rolled back when it throws or the task is
    /// cancelled (the running statement is then cancelled in the database first).
    ///
    /// ```swift
    /// let orderID = try await db.withTransaction { tx in
    ///     let id = try await tx.execute("INSERT INTO orders(customer_id) VALUES (\(customer)) RETURNING id")
    ///         .value(Int.self, row: 0, column: "id")
    ///     try await tx.execute("UPDATE customers SET orders = orders + 1 WHERE id = \(customer)")
    ///     return id
    /// }
    /// ```
    ///
    /// A statement that fails leaves the transaction to be rolled back: its error propagates
    /// unless `body` catches it. On PostgreSQL the transaction then refuses further statements
    /// (`25P02`); on SQLite, a statement after SQLite ended the transaction on its own fails
    /// with `25P01` rather than running outside it. A failed `COMMIT` (a deferred constraint, a
    /// serialization failure) is thrown as the commit's error.
    @discardableResult
    public func withTransaction<T: Sendable>(_ options: TransactionOptions = TransactionOptions(), isolation: isolated (any Actor)? = #isolation,
                                             _ body: (Connection) async throws -> T) async throws -> T {
        let base = try await leaseForSession()
        let lease = ConnectionLease()
        defer {
            lease.end()
            pool.release(base)
        }
        let connection = Connection(base: base, dialect: dialect, transaction: options, instruments: pool.instruments, lease: lease)
        let readOnlyDatabase = (driver as? SQLiteDriver)?.options.readOnly ?? false
        let begin = Query(options.beginStatement(for: dialect, databaseReadOnly: readOnlyDatabase), name: "BEGIN")
        _ = try await base.executeInOpenTransaction(begin, control: QueryControl(), channel: nil, requireOpen: false, refuseWrites: false)
        let result: T
        do {
            result = try await body(connection)
        } catch {
            lease.end()
            await Self.rollBack(base)
            throw error
        }
        lease.end()
        if Task.isCancelled {
            await Self.rollBack(base)
            throw QueryError.cancelled(begin)
        }
        do {
            // In the open transaction: one that failed earlier (PostgreSQL answers its COMMIT with
            // ROLLBACK) or that SQLite ended on its own is an error here, never a quiet success.
            _ = try await base.executeInOpenTransaction(Query("COMMIT", name: "COMMIT"), control: QueryControl(), channel: nil,
                                                        requireOpen: true, refuseWrites: false)
        } catch {
            // SQLite keeps a transaction open when COMMIT fails (SQLITE_BUSY): it must not stay so.
            await Self.rollBack(base)
            throw error
        }
        return result
    }

    /// Rolls back on `connection`, even when the calling task is cancelled (the rollback runs in
    /// a task of its own); a connection where that fails is closed rather than reused.
    private static func rollBack(_ connection: any DatabaseConnection) async {
        let rollback = Task { () async -> Bool in
            do throws(QueryError) {
                _ = try await connection.execute(Query("ROLLBACK", name: "ROLLBACK"), control: QueryControl())
                return true
            } catch {
                // SQLite already ended it: "cannot rollback - no transaction is active" is no failure.
                return error.message.contains("no transaction is active")
            }
        }
        let rolledBack = await rollback.value
        if !rolledBack { connection.retire() }
    }
}
