extension Database {
    /// One pooled connection lent to `Database.withConnection(_:)`: statements run on it in
    /// order, and session state (`SET`, temporary tables) carries from one to the next.
    public struct Connection: Sendable {
        let base: any DatabaseConnection

        /// Runs `query` (one statement, or several separated by `;`, the last result kept).
        @discardableResult
        public func execute(_ query: Query) async throws(QueryError) -> RowSet {
            do {
                return try await base.execute(query, control: QueryControl())
            } catch {
                var error = error
                error.attach(to: query)
                throw error
            }
        }

        /// Runs `sql` (one statement, or several separated by `;`, the last result kept).
        @discardableResult
        public func execute(_ sql: String) async throws(QueryError) -> RowSet {
            try await execute(Query(sql))
        }
    }
}
