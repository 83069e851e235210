import Synchronization

/// The rows of one query as they are read, for a result too big to hold: memory stays bounded
/// whatever the number of rows (a few thousand rows are buffered; the driver waits for the
/// consumer beyond that).
///
/// ```swift
/// for try await row in db.rows("SELECT id, total FROM orders WHERE day >= \(since)") {
///     let total = try row.value(Double.self, column: "total")
/// }
/// ```
///
/// The query starts when iteration does; iterate once. Leaving the loop early, or cancelling
/// the task, stops the query in the database (inside `withTransaction` on PostgreSQL, that
/// aborts the transaction: the server cancels the statement). An error of the query is thrown
/// after the rows read before it.
public struct RowSequence: AsyncSequence, Sendable {
    /// Each element is one row.
    public typealias Element = Row

    let makeQuery: @Sendable () throws(QueryError) -> Query
    let run: @Sendable (Query, RowChannel) async throws(QueryError) -> Void

    init(query makeQuery: @escaping @Sendable () throws(QueryError) -> Query,
         run: @escaping @Sendable (Query, RowChannel) async throws(QueryError) -> Void) {
        self.makeQuery = makeQuery
        self.run = run
    }

    /// Starts nothing yet: the query starts at the first `next()`.
    public func makeAsyncIterator() -> Iterator {
        Iterator(stream: Stream(makeQuery: makeQuery, run: run))
    }

    /// The rows decoded into `T` by column name, as they are read.
    public func decode<T: Decodable & Sendable>(_ type: T.Type, keys: RowKeyStrategy = .useColumnNames) -> DecodedRowSequence<T> {
        DecodedRowSequence(rows: self, keys: keys)
    }

    /// Reads the rows of a `RowSequence`.
    public struct Iterator: AsyncIteratorProtocol {
        let stream: Stream
        private var batch: RowStreamBuffer.Batch?
        private var values: [[Value]] = []
        private var position = 0

        init(stream: Stream) {
            self.stream = stream
        }

        /// The next row, or nil after the last; throws the query's error, or `QueryError` with
        /// `.cancelled` when the task was cancelled.
        public mutating func next() async throws -> Row? {
            try await next(isolation: nil)
        }

        /// `next()` on the caller's actor: a row already read costs no executor hop, only a
        /// new chunk of rows does (a main-actor loop hopped twice per row without this).
        public mutating func next(isolation actor: isolated (any Actor)?) async throws -> Row? {
            while position == values.count {
                guard let batch = try await stream.nextBatch() else { return nil }
                values = RowSet(columns: batch.columns, chunks: [batch.chunk], realRendering: batch.realRendering).rows
                position = 0
                self.batch = batch
            }
            defer { position += 1 }
            return Row(columns: batch!.columns, values: values[position])
        }
    }

    /// One iteration's query: started on first use, stopped when the iterator goes away.
    final class Stream: Sendable {
        private let buffer = RowStreamBuffer()
        private let makeQuery: @Sendable () throws(QueryError) -> Query
        private let run: @Sendable (Query, RowChannel) async throws(QueryError) -> Void
        private let producer = Mutex<Task<Void, Never>?>(nil)

        init(makeQuery: @escaping @Sendable () throws(QueryError) -> Query, run: @escaping @Sendable (Query, RowChannel) async throws(QueryError) -> Void) {
            self.makeQuery = makeQuery
            self.run = run
        }

        deinit { cancel() }

        /// The next chunk of rows with its columns; nil at the end.
        func nextBatch() async throws(QueryError) -> RowStreamBuffer.Batch? {
            start()
            let buffer = self.buffer
            do {
                return try await withTaskCancellationHandler {
                    try await buffer.next()
                } onCancel: {
                    self.cancel()
                }
            } catch let error as QueryError {
                throw error
            } catch {
                throw QueryError.cancelled()
            }
        }

        private func start() {
            producer.withLock { task in
                guard task == nil else { return }
                let (buffer, makeQuery, run) = (self.buffer, self.makeQuery, self.run)
                task = Task {
                    do throws(QueryError) {
                        let query = try makeQuery()
                        let channel = RowChannel(query: query)
                        channel.attach(buffer)
                        try await run(query, channel)
                        buffer.finish(nil)
                    } catch {
                        buffer.finish(error)
                    }
                }
            }
        }

        /// Stops the query: the driver is released from waiting, and interrupted in the database.
        func cancel() {
            buffer.stop()
            producer.withLock { $0?.cancel() }
        }
    }
}

/// The rows of one query decoded into `T` as they are read (``RowSequence/decode(_:keys:)``).
public struct DecodedRowSequence<T: Decodable & Sendable>: AsyncSequence, Sendable {
    /// Each element is one decoded row.
    public typealias Element = T

    let rows: RowSequence
    let keys: RowKeyStrategy

    /// Starts nothing yet: the query starts at the first `next()`.
    public func makeAsyncIterator() -> Iterator {
        Iterator(stream: RowSequence.Stream(makeQuery: rows.makeQuery, run: rows.run), keys: keys)
    }

    /// Reads and decodes the rows.
    public struct Iterator: AsyncIteratorProtocol {
        let stream: RowSequence.Stream
        let keys: RowKeyStrategy
        private var decoded: [T] = []
        private var position = 0

        init(stream: RowSequence.Stream, keys: RowKeyStrategy) {
            self.stream = stream
            self.keys = keys
        }

        /// The next decoded row, or nil after the last; throws the query's error or a `RowDecodingError`.
        public mutating func next() async throws -> T? {
            try await next(isolation: nil)
        }

        /// `next()` on the caller's actor: only a new chunk of rows costs an executor hop.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws -> T? {
            while position == decoded.count {
                guard let batch = try await stream.nextBatch() else { return nil }
                decoded = try RowSet(columns: batch.columns, chunks: [batch.chunk], realRendering: batch.realRendering).decode(T.self, keys: keys)
                position = 0
            }
            defer { position += 1 }
            return decoded[position]
        }
    }
}
