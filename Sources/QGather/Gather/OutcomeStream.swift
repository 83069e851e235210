/// The ordered outcomes of a running batch (see `Gatherer.outcomes(_:)`).
public struct OutcomeStream: AsyncSequence, Sendable {
    /// Each element is one query's outcome; they arrive in input order.
    public typealias Element = QueryOutcome
    let stream: AsyncStream<QueryOutcome>
    let task: Task<Void, Never>
    let window: DeliveryWindow
    let channels: [RowChannel?]
    let sink: (any RowStreamSink)?

    /// Cancels the batch: every unfinished query is interrupted in the database. The sequence
    /// still delivers every outcome (the stopped ones as cancelled) and then ends.
    public func cancel() {
        task.cancel()
    }

    /// Creates the iterator.
    public func makeAsyncIterator() -> Iterator {
        Iterator(base: stream.makeAsyncIterator(), window: window, channels: channels, sink: sink)
    }

    /// Yields outcomes in input order; asking for the next one lets that query's rows stream.
    public struct Iterator: AsyncIteratorProtocol {
        var base: AsyncStream<QueryOutcome>.Iterator
        let window: DeliveryWindow
        let channels: [RowChannel?]
        let sink: (any RowStreamSink)?
        var nextIndex = 0

        /// The next outcome, or nil when the batch is done.
        public mutating func next() async -> QueryOutcome? {
            // The consumer has finished with every earlier outcome: this query may now stream.
            if let sink, nextIndex < channels.count { channels[nextIndex]?.attach(sink) }
            guard let outcome = await base.next() else { return nil }
            window.release()  // the batch may deliver one more
            nextIndex = outcome.query.index + 1
            return outcome
        }
    }
}
