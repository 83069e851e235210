/// The ordered outcomes of a running batch (see `Gatherer.outcomes(_:)`).
public struct OutcomeStream: AsyncSequence, Sendable {
    /// Each element is one query's outcome; they arrive in input order.
    public typealias Element = QueryOutcome
    /// Outcomes travel in groups that became ready together: one wake-up of the consumer per
    /// group rather than per outcome, which matters when a pipeline returns dozens at once.
    let stream: AsyncStream<[QueryOutcome]>
    let task: Task<Void, Never>
    let window: DeliveryWindow
    let channels: RowChannels?

    /// Cancels the batch: every unfinished query is interrupted in the database. The sequence
    /// still delivers every outcome (the stopped ones as cancelled) and then ends.
    public func cancel() {
        task.cancel()
    }

    /// Creates the iterator.
    public func makeAsyncIterator() -> Iterator {
        Iterator(base: stream.makeAsyncIterator(), window: window, channels: channels)
    }

    /// Yields outcomes in input order; asking for the next one lets that query's rows stream.
    public struct Iterator: AsyncIteratorProtocol {
        var base: AsyncStream<[QueryOutcome]>.Iterator
        let window: DeliveryWindow
        let channels: RowChannels?
        var nextIndex = 0
        var received: [QueryOutcome] = []
        var receivedHead = 0

        /// The next outcome, or nil when the batch is done.
        public mutating func next() async -> QueryOutcome? {
            await next(isolation: nil)
        }

        /// The next outcome, or nil when the batch is done, waiting on `actor`'s executor (a
        /// consumer isolated to an actor then never hops off it between outcomes).
        public mutating func next(isolation actor: isolated (any Actor)?) async -> QueryOutcome? {
            // The consumer has finished with every earlier outcome: this query may now stream.
            channels?.advance(to: nextIndex)
            if receivedHead == received.count {
                guard let group = await base.next(isolation: actor) else { return nil }
                received = group
                receivedHead = 0
            }
            let outcome = received[receivedHead]
            receivedHead += 1
            window.release()  // the batch may deliver more
            nextIndex = outcome.query.index + 1
            return outcome
        }

        /// Whether another outcome is already waiting, so `next()` returns without suspending:
        /// a consumer may hold back flushing its output until this is false.
        public var hasReadyOutcome: Bool { receivedHead < received.count || window.unreadCount > 0 }
    }
}

extension OutcomeStream {
    /// The outcomes `produce` delivers, in a task of its own, as a stream that runs at most
    /// `capacity` outcomes ahead of its consumer (`DeliveryWindow`). Dropping or cancelling the
    /// stream cancels the task.
    static func producing(capacity: Int, channels: RowChannels? = nil,
                          _ produce: @escaping @Sendable (_ deliver: @escaping @Sendable ([QueryOutcome]) async -> Void) async -> Void) -> OutcomeStream {
        let (stream, continuation) = AsyncStream.makeStream(of: [QueryOutcome].self)
        let window = DeliveryWindow(capacity: capacity)
        let task = Task {
            await produce { ready in
                await window.acquire(ready.count)
                continuation.yield(ready)
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in
            task.cancel()
            window.close()
        }
        return OutcomeStream(stream: stream, task: task, window: window, channels: channels)
    }
}
