import Synchronization

/// Several databases that run the same batch: one SQLite file per tenant, PostgreSQL shards or
/// regions, a primary and its read replicas.
///
/// With fan-out (the default) every query runs on every member and each query's rows come back
/// merged, in member order, behind a first column `target`; `QueryOutcome.targets` holds each
/// member's own result. With spread every query runs once, on whichever member has a free
/// connection.
///
/// ```swift
/// let fleet = DatabaseFleet([
///     FleetMember(label: "eu", database: .sqlite("eu.db")),
///     FleetMember(label: "us", database: .sqlite("us.db")),
/// ])
/// let outcomes = await fleet.gather(Batch(sql: ["SELECT count(*) AS n FROM orders"]))
/// for target in outcomes[0].targets { print(target.label, target.rowSet?.rows ?? []) }
/// await fleet.close()
/// ```
public final class DatabaseFleet: Sendable {
    /// The members, in the order their rows are merged.
    public let members: [FleetMember]

    /// A fleet of `members`; labels are made unique (`FleetMember.uniqueLabels`).
    public init(_ members: [FleetMember]) {
        let labels = FleetMember.uniqueLabels(members.map(\.label))
        self.members = zip(members, labels).map { FleetMember(label: $1, database: $0.database) }
    }

    /// Runs `batch` on the fleet as `options` say and returns one outcome per query, in input
    /// order. Cancelling the calling task interrupts every unfinished query on every member; this
    /// returns once they have stopped.
    public func gather(_ batch: Batch, options: FleetOptions = FleetOptions()) async -> [QueryOutcome] {
        let collected = Mutex<[QueryOutcome]>([])
        let deliver: @Sendable ([QueryOutcome]) async -> Void = { ready in collected.withLock { $0 += ready } }
        switch options.mode {
        case .fanOut:
            await FanOutGatherer(members: members, options: options, provider: { _, _ in .success(batch) }).run(batch, deliver: deliver)
        case .spread:
            await SpreadGatherer(members: members, options: options).run(batch, deliver: deliver)
        }
        return collected.withLock { $0 }
    }

    /// Runs `batch` on the fleet; its outcomes arrive in input order as each becomes known.
    /// Dropping or cancelling the sequence cancels the batch on every member.
    public func outcomes(_ batch: Batch, options: FleetOptions = FleetOptions()) -> OutcomeStream {
        outcomes(batch, options: options) { _, _ in .success(batch) }
    }

    /// `outcomes(_:options:)` where `provider` gives each member its own batch (split in its
    /// dialect); every one must have as many statements as `batch`.
    package func outcomes(_ batch: Batch, options: FleetOptions, provider: @escaping FanOutGatherer.BatchProvider) -> OutcomeStream {
        switch options.mode {
        case .fanOut: return FanOutGatherer(members: members, options: options, provider: provider).outcomes(batch)
        case .spread: return SpreadGatherer(members: members, options: options).outcomes(batch)
        }
    }

    /// Closes every member's connections.
    public func close() async {
        for member in members { await member.database.close() }
    }
}
