import Synchronization

/// Opens libpq connections to one PostgreSQL database.
package final class PostgresDriver: DatabaseDriver, PipelineCapableDriver {
    private let conninfo: PostgresConninfo
    private let counter = Atomic<Int>(0)
    /// Statements run on every new connection (`SET search_path = ...`).
    package let initSQL: [String]

    /// Whether sessions run with `default_transaction_read_only = on`.
    package let readOnly: Bool
    private let sessionMode: SessionMode

    /// Parses `conninfo` (keyword/value, `postgresql://` URI, or empty for libpq defaults).
    /// `readOnly` makes every transaction read-only (`default_transaction_read_only = on`).
    package init(conninfo: String, initSQL: [String] = [], readOnly: Bool = false) throws(DatabaseOpenError) {
        self.conninfo = try PostgresConninfo(conninfo)
        self.initSQL = initSQL
        self.readOnly = readOnly
        self.sessionMode = .autocommit
    }

    private init(conninfo: PostgresConninfo, initSQL: [String], readOnly: Bool, sessionMode: SessionMode) {
        self.conninfo = conninfo
        self.initSQL = initSQL
        self.readOnly = readOnly
        self.sessionMode = sessionMode
    }

    /// A driver for the same database whose connections run `setup` and treat transactions as `mode` says.
    package func sessionDriver(_ mode: SessionMode, setup: [String]) -> any DatabaseDriver {
        PostgresDriver(conninfo: conninfo, initSQL: initSQL + setup, readOnly: readOnly, sessionMode: mode)
    }

    /// The dialect batches for this database are split in.
    package var dialect: SQLDialect { .postgres }
    /// The target for messages (a PostgreSQL password never appears).
    package var displayName: String { conninfo.displayName }
    /// `host:port/dbname`, as libpq would resolve them from the conninfo and the environment.
    package var label: String { conninfo.label }

    /// Read-only statements of an autocommit batch may share a pipeline; not under `--read-only`,
    /// where the session setting is re-checked before every query (`enforceReadOnly`).
    var pipelining: Bool { sessionMode == .autocommit && !readOnly }

    func pipelineRequestSize(of query: Query) -> Int {
        PostgresParameters.wireSize(of: query)
    }

    /// Opens a new connection on its own thread.
    package func connect() async throws(DatabaseOpenError) -> any DatabaseConnection {
        let n = counter.add(1, ordering: .relaxed).newValue
        let setup = (readOnly ? ["SET default_transaction_read_only = on"] : []) + initSQL
        return try await PostgresConnection.connect(conninfo, setup: setup, sessionMode: sessionMode, readOnly: readOnly, threadName: "qg-pg-\(n)")
    }
}
