import CoreMetrics
import Synchronization

/// The metrics a database records, named after OpenTelemetry's database semantic conventions
/// (`db.client.operation.duration`, `db.client.connection.*`) plus qgather's own counts. Handles
/// are made once per dimension set, not per query.
final class QueryMetrics: Sendable {
    private struct Key: Hashable {
        var status: String
        var code: String?
    }

    private let factory: any MetricsFactory
    private let base: [(String, String)]
    private let operations = Mutex<[Key: (CoreMetrics.Timer, Counter)]>([:])
    let connectionCount: Gauge
    let connectionsOpened: Counter
    let connectionsFailed: Counter
    let connectionCreateTime: CoreMetrics.Timer
    let connectionWaitTime: CoreMetrics.Timer
    let retries: Counter

    /// Metrics from `factory`, each with the dimensions `base` (the system, namespace and pool).
    init(factory: any MetricsFactory, base: [(String, String)]) {
        self.factory = factory
        self.base = base
        connectionCount = Gauge(label: "db.client.connection.count", dimensions: base, factory: factory)
        connectionsOpened = Counter(label: "qgather.connections.opened", dimensions: base, factory: factory)
        connectionsFailed = Counter(label: "qgather.connections.failed", dimensions: base, factory: factory)
        connectionCreateTime = CoreMetrics.Timer(label: "db.client.connection.create_time", dimensions: base, factory: factory)
        connectionWaitTime = CoreMetrics.Timer(label: "db.client.connection.wait_time", dimensions: base, factory: factory)
        retries = Counter(label: "qgather.query.retries", dimensions: base, factory: factory)
    }

    /// One query ended with `status` (and `code` when it failed) after `duration`.
    func recordQuery(status: String, code: String?, duration: Duration?) {
        let key = Key(status: status, code: code)
        let (timer, counter) = operations.withLock { cache in
            if let handles = cache[key] { return handles }
            var dimensions = base + [("qgather.status", status)]
            if let code { dimensions.append(("error.type", code)) }
            let handles = (CoreMetrics.Timer(label: "db.client.operation.duration", dimensions: dimensions, factory: factory),
                           Counter(label: "qgather.queries", dimensions: dimensions, factory: factory))
            cache[key] = handles
            return handles
        }
        counter.increment()
        if let duration { timer.recordNanoseconds(Self.nanoseconds(duration)) }
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }
}
