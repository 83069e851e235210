import InMemoryTracing
@testable import QGather
import Testing
import Tracing

/// With a tracer, a batch is one span and each query a child of it, under the caller's span;
/// attributes follow OpenTelemetry's database conventions and never carry a bound value.
@Suite struct TracingTests {
    @Test func aBatchSpanHoldsOneSpanPerQueryUnderTheCallersSpan() async throws {
        let tracer = InMemoryTracer()
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 2, tracer: tracer))
        try await db.execute("CREATE TABLE orders (id integer, total real)")
        tracer.clearAll()
        let request = tracer.startSpan("GET /report")
        let batch = Batch([Query("SELECT count(*) FROM orders WHERE total > :min", name: "big", parameters: ["min": .text("hunter2")]),
                           Query("SELECT * FROM missing_table", name: "broken", index: 1)])
        _ = await ServiceContext.$current.withValue(request.context) {
            await db.gather(batch, options: GatherOptions(jobs: 2, policy: .collect))
        }
        request.end()
        await db.close()

        let spans = tracer.finishedSpans
        let requestSpan = try #require(spans.first { $0.operationName == "GET /report" })
        let batchSpan = try #require(spans.first { $0.operationName == "qgather.gather" })
        #expect(batchSpan.parentSpanID == requestSpan.spanID)
        #expect(batchSpan.traceID == requestSpan.traceID)
        #expect(batchSpan.attributes["db.operation.batch.size"]?.toSpanAttribute() == 2)

        let big = try #require(spans.first { $0.operationName == "SELECT orders" })
        #expect(big.parentSpanID == batchSpan.spanID)
        #expect(big.kind == .client)
        #expect(big.attributes["db.system.name"]?.toSpanAttribute() == "sqlite")
        #expect(big.attributes["db.operation.name"]?.toSpanAttribute() == "SELECT")
        #expect(big.attributes["db.query.summary"]?.toSpanAttribute() == "SELECT orders")
        #expect(big.attributes["qgather.query.name"]?.toSpanAttribute() == "big")
        #expect(big.status == nil)

        let broken = try #require(spans.first { $0.operationName == "SELECT missing_table" })
        #expect(broken.parentSpanID == batchSpan.spanID)
        #expect(broken.status?.code == .error)
        #expect(broken.status?.message == "SQLITE_ERROR")  // the code, never the message (it may quote a value)
        #expect(broken.attributes["error.type"]?.toSpanAttribute() == "SQLITE_ERROR")
        #expect(broken.errors.count == 1)

        for span in spans {
            var text = ""
            span.attributes.forEach { key, value in text += "\(key)=\(value) " }
            #expect(!text.contains("hunter2"))
        }
    }

    @Test func transactionStatementsAreSpansOfTheirOwn() async throws {
        let tracer = InMemoryTracer()
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 1, tracer: tracer))
        try await db.withTransaction { tx in
            try await tx.execute("CREATE TABLE t (x)")
            try await tx.execute("INSERT INTO t VALUES (\(1))")
        }
        await db.close()
        #expect(tracer.finishedSpans.map(\.operationName) == ["CREATE t", "INSERT t"])
    }
}
