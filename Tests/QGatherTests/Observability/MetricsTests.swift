import MetricsTestKit
@testable import QGather
import Testing

/// With a metrics backend, queries, their durations and the pool's connections are counted,
/// under OpenTelemetry's database names.
@Suite struct MetricsTests {
    @Test func queriesAreCountedByStatusAndErrorCode() async throws {
        let metrics = TestMetrics()
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 1, metricsFactory: metrics))
        _ = await db.gather(Batch(sql: ["SELECT 1", "SELECT 2", "SELECT * FROM nope"]), options: GatherOptions(jobs: 2, policy: .collect))
        await db.close()

        let base = [("db.system.name", "sqlite"), ("db.namespace", "memory"), ("db.client.connection.pool.name", "memory")]
        #expect(try metrics.expectCounter("qgather.queries", base + [("qgather.status", "ok")]).totalValue == 2)
        #expect(try metrics.expectCounter("qgather.queries", base + [("qgather.status", "error"), ("error.type", "SQLITE_ERROR")]).totalValue == 1)
        let durations = try metrics.expectTimer("db.client.operation.duration", base + [("qgather.status", "ok")])
        #expect(durations.values.count == 2)
        #expect(durations.values.allSatisfy { $0 > 0 })
        #expect(try metrics.expectCounter("qgather.connections.opened", base).totalValue == 1)
        #expect(try metrics.expectTimer("db.client.connection.create_time", base).values.count == 1)
        #expect(try metrics.expectTimer("db.client.connection.wait_time", base).values.count >= 1)
        // Opened, then closed by `close()`.
        #expect(try metrics.expectGauge("db.client.connection.count", base).values == [1, 0])
    }

    @Test func aRefusedConnectionIsCounted() async throws {
        let metrics = TestMetrics()
        let dead = try Database.postgres("host=127.0.0.1 port=1 user=x dbname=shop connect_timeout=2",
                                         configuration: .init(maxConnections: 1, metricsFactory: metrics))
        let outcome = await dead.gather(Batch(sql: ["SELECT 1"]))[0]
        await dead.close()
        #expect(outcome.status == .error)
        let base = [("db.system.name", "postgresql"), ("db.namespace", "shop"), ("db.client.connection.pool.name", "127.0.0.1:1/shop")]
        #expect(try metrics.expectCounter("qgather.connections.failed", base).totalValue == 1)
        #expect(try metrics.expectCounter("qgather.queries", base + [("qgather.status", "error"), ("error.type", "connect")]).totalValue == 1)
    }
}
