import Synchronization

/// The `RowChannel`s of one batch's running queries: a channel is made when its query starts and
/// dropped once its outcome is delivered, so a batch of millions holds channels only for the
/// few queries between the output's head and the last one started.
package final class RowChannels: Sendable {
    private struct State {
        var open: [Int: RowChannel] = [:]
        var head = 0
    }

    /// Where the head query's rows go; nil when nothing streams.
    let sink: (any RowStreamSink)?
    private let state = Mutex(State())

    /// Channels to `sink`; none at all without one. With `headFirst`, query 0 streams as soon as
    /// it starts; otherwise only once `advance(to: 0)` says the consumer is ready for it.
    package init(sink: (any RowStreamSink)?, headFirst: Bool) {
        self.sink = sink
        state.withLock { $0.head = headFirst ? 0 : -1 }
    }

    /// The channel for `query` as it starts: nil without a sink, or for a check (whose rows wait
    /// for its verdict). A query already at the head of the output order streams at once.
    func channel(for query: Query) -> RowChannel? {
        guard let sink, query.expectation == nil else { return nil }
        let channel = RowChannel(query: query)
        let atHead = state.withLock { s in
            s.open[query.index] = channel
            return s.head == query.index
        }
        if atHead { channel.attach(sink) }
        return channel
    }

    /// Every outcome before `index` has been delivered: query `index` is at the head (its rows
    /// may stream), and the channels of earlier queries are dropped.
    func advance(to index: Int) {
        guard let sink else { return }
        let channel: RowChannel? = state.withLock { s in
            guard index > s.head else { return nil }
            // Heads advance one by one (or a group at a time): removing by key costs no copy of
            // the table, as iterating its keys while removing would.
            for delivered in max(0, s.head)..<index { s.open.removeValue(forKey: delivered) }
            s.head = index
            return s.open[index]
        }
        channel?.attach(sink)
    }
}
