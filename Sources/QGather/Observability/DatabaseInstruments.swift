import CoreMetrics
import Logging
import Synchronization
import Tracing

/// Where a database reports what it does: the caller's `Logger` (structured metadata, never a
/// password or a bound value), swift-metrics and swift-distributed-tracing. Metrics and spans
/// cost nothing unless the application bootstrapped a backend or passed one in the configuration.
package final class DatabaseInstruments: Sendable {
    /// The logger, with the database's metadata.
    let logger: Logger
    /// Nil when no metrics backend is set.
    let metrics: QueryMetrics?
    /// Nil when no tracer is set.
    let tracer: (any Tracer)?
    /// `sqlite` or `postgresql` (OpenTelemetry's `db.system.name`).
    let system: String
    /// The database: a SQLite file's name, a PostgreSQL database name (`db.namespace`).
    let namespace: String
    /// The pool's label (`host:port/dbname` or the file's name), never a password.
    let label: String
    private let open = Atomic<Int>(0)

    /// Instruments for a database labelled `label`; nil `metrics` or `tracer` take the process's
    /// bootstrapped ones (`MetricsSystem.factory`, `InstrumentationSystem.tracer`).
    package init(logger: Logger, metrics: (any MetricsFactory)?, tracer: (any Tracer)?, system: String, namespace: String, label: String) {
        var logger = logger
        logger[metadataKey: "db.system.name"] = .string(system)
        logger[metadataKey: "db.namespace"] = .string(namespace)
        logger[metadataKey: "qgather.target"] = .string(label)
        self.logger = logger
        let factory = metrics ?? MetricsSystem.factory
        self.metrics = factory is NOOPMetricsHandler ? nil
            : QueryMetrics(factory: factory, base: [("db.system.name", system), ("db.namespace", namespace), ("db.client.connection.pool.name", label)])
        let tracer = tracer ?? InstrumentationSystem.tracer
        self.tracer = tracer is NoOpTracer ? nil : tracer
        self.system = system
        self.namespace = namespace
        self.label = label
    }

    /// Reports nothing: pools made inside the library for one batch share their database's.
    package static let silent = DatabaseInstruments(logger: Database.silentLogger, metrics: NOOPMetricsHandler.instance, tracer: NoOpTracer(),
                                                    system: "", namespace: "", label: "")

    // MARK: connections

    func connectionOpened(after duration: Duration) {
        let count = open.add(1, ordering: .relaxed).newValue
        logger.debug("connection opened", metadata: ["duration_ms": "\(Self.milliseconds(duration))", "open": "\(count)"])
        if let metrics {
            metrics.connectionsOpened.increment()
            metrics.connectionCreateTime.recordNanoseconds(QueryMetrics.nanoseconds(duration))
            metrics.connectionCount.record(count)
        }
    }

    func connectionFailed(_ error: any Error, after duration: Duration) {
        logger.warning("connection failed", metadata: ["duration_ms": "\(Self.milliseconds(duration))", "error": "\(error)"])
        metrics?.connectionsFailed.increment()
    }

    func connectionClosed() {
        let count = open.subtract(1, ordering: .relaxed).newValue
        logger.debug("connection closed", metadata: ["open": "\(count)"])
        metrics?.connectionCount.record(count)
    }

    func leaseWaited(_ duration: Duration) {
        logger.debug("waited for a connection", metadata: ["wait_ms": "\(Self.milliseconds(duration))"])
        metrics?.connectionWaitTime.recordNanoseconds(QueryMetrics.nanoseconds(duration))
    }

    // MARK: queries

    /// The query ended: a debug line with its name, line, duration, rows, status and error code;
    /// its SQL at trace level; the metrics.
    func queryFinished(_ outcome: QueryOutcome) {
        let status = outcome.status.rawValue
        let code = outcome.error?.code.rawValue
        metrics?.recordQuery(status: status, code: code, duration: outcome.duration)
        guard logger.logLevel <= .debug else { return }
        var metadata: Logger.Metadata = ["query": "\(outcome.query.name)", "line": "\(outcome.query.file):\(outcome.query.line)",
                                         "status": "\(status)"]
        if let duration = outcome.duration { metadata["duration_ms"] = "\(Self.milliseconds(duration))" }
        if let rows = outcome.rowSet { metadata["rows"] = "\(rows.rowsAffected ?? rows.rowCount)" }
        if let error = outcome.error { metadata["error.type"] = "\(error.code)" }
        if outcome.attempts > 1 { metadata["attempts"] = "\(outcome.attempts)" }
        logger.debug("query finished", metadata: metadata)
        // The database's message may quote a bound value (`invalid input syntax for type integer:
        // "..."`, a unique key's detail): trace only, with the SQL.
        var details: Logger.Metadata = ["query": "\(outcome.query.name)", "sql": "\(outcome.query.sql)"]
        if let error = outcome.error { details["error"] = "\(error.message)" }
        logger.trace("query sql", metadata: details)
    }

    func queryRetrying(_ query: Query, after error: QueryError, attempt: Int, delay: Duration) {
        logger.info("retrying query", metadata: ["query": "\(query.name)", "line": "\(query.file):\(query.line)", "attempt": "\(attempt + 1)",
                                                 "error.type": "\(error.code)", "delay_ms": "\(Self.milliseconds(delay))"])
        metrics?.retries.increment()
    }

    func cancellingBatch(after failure: QueryOutcome) {
        logger.debug("fail-fast: cancelling the rest of the batch", metadata: ["query": "\(failure.query.name)", "line": "\(failure.query.file):\(failure.query.line)"])
    }

    /// A span for `query`, a child of the task's current context (the batch's span, or the caller's).
    func startSpan(for query: Query, dialect: SQLDialect) -> (any Span)? {
        guard let tracer else { return nil }
        let summary = QuerySummary(sql: query.sql, dialect: dialect)
        let span = tracer.startSpan(summary.summary, context: ServiceContext.current ?? .topLevel, ofKind: .client)
        span.attributes["db.system.name"] = system
        span.attributes["db.namespace"] = namespace
        span.attributes["db.operation.name"] = summary.operation
        span.attributes["db.query.summary"] = summary.summary
        span.attributes["qgather.query.name"] = query.name
        span.attributes["code.file.path"] = query.file
        span.attributes["code.line.number"] = query.line
        return span
    }

    /// Ends `span` with `outcome`'s status: an error records its code (`error.type`,
    /// `db.response.status_code`) and message.
    func endSpan(_ span: (any Span)?, _ outcome: QueryOutcome) {
        guard let span else { return }
        if let rows = outcome.rowSet { span.attributes["db.response.returned_rows"] = rows.rowCount }
        if let error = outcome.error {
            // The code only: the database's message may quote a bound value.
            span.attributes["error.type"] = error.code.rawValue
            span.attributes["db.response.status_code"] = error.code.rawValue
            span.recordError(SpanQueryError(code: error.code.rawValue, kind: error.kind.rawValue))
            span.setStatus(SpanStatus(code: .error, message: error.code.rawValue))
        } else if outcome.status == .cancelled {
            span.attributes["error.type"] = QueryError.Code.cancelled.rawValue
        }
        span.end()
    }

    /// Runs `body` inside a span for a batch of `count` queries, when tracing.
    func withBatchSpan<T>(count: Int, _ body: () async -> T) async -> T {
        guard let tracer else { return await body() }
        let span = tracer.startSpan("qgather.gather", context: ServiceContext.current ?? .topLevel, ofKind: .client)
        span.attributes["db.system.name"] = system
        span.attributes["db.namespace"] = namespace
        span.attributes["db.operation.batch.size"] = count
        defer { span.end() }
        return await ServiceContext.$current.withValue(span.context) { await body() }
    }

    static func milliseconds(_ duration: Duration) -> String {
        let ms = Double(QueryMetrics.nanoseconds(duration)) / 1_000_000
        return ms >= 100 ? String(Int(ms.rounded())) : String(Double(Int(ms * 100)) / 100)
    }
}

/// What a span records of a failed query: its code and kind, never the message (which may quote a value).
struct SpanQueryError: Error, CustomStringConvertible {
    var code: String
    var kind: String
    var description: String { "\(kind) \(code)" }
}
