/// The ordered outcomes of a running batch (see `Gatherer.outcomes(_:)`).
public struct OutcomeStream: AsyncSequence, Sendable {
    /// Each element is one query's outcome; they arrive in input order.
    public typealias Element = QueryOutcome
    let stream: AsyncStream<QueryOutcome>
    let task: Task<Void, Never>
    let window: DeliveryWindow

    /// Cancels the batch: every unfinished query is interrupted in the database. The sequence
    /// still delivers every outcome (the stopped ones as cancelled) and then ends.
    public func cancel() {
        task.cancel()
    }

    /// Creates the iterator.
    public func makeAsyncIterator() -> Iterator {
        Iterator(base: stream.makeAsyncIterator(), window: window)
    }

    /// Hands out outcomes and tells the batch each time one has been taken.
    public struct Iterator: AsyncIteratorProtocol {
        var base: AsyncStream<QueryOutcome>.Iterator
        let window: DeliveryWindow

        /// The next outcome in input order, or nil once every outcome was delivered.
        public mutating func next() async -> QueryOutcome? {
            let outcome = await base.next()
            if outcome != nil { window.release() }
            return outcome
        }
    }
}
