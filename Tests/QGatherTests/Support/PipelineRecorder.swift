@testable import QGather
import Synchronization

/// Wraps a pipelining driver and records which queries (by index) each pipeline carried, so a
/// test can see what the gatherer sent together.
final class PipelineRecorder: DatabaseDriver, PipelineCapableDriver {
    let base: any PipelineCapableDriver
    private let runs: Mutex<[[Int]]>

    init(_ base: any PipelineCapableDriver) {
        self.base = base
        runs = Mutex([])
        parent = nil
    }

    /// A recorder of `base` that records into `parent`'s list (a session's driver).
    private init(_ base: any PipelineCapableDriver, recordingInto parent: PipelineRecorder) {
        self.base = base
        runs = Mutex([])
        self.parent = parent
    }

    private let parent: PipelineRecorder?

    func pipelineRequestSize(of query: Query) -> Int {
        base.pipelineRequestSize(of: query)
    }

    /// Every pipeline sent so far, as the indices of its queries.
    var pipelines: [[Int]] { runs.withLock { $0 } }

    var pipelining: Bool { base.pipelining }
    var dialect: SQLDialect { base.dialect }
    var displayName: String { base.displayName }

    func connect() async throws(DatabaseOpenError) -> any DatabaseConnection {
        let connection = try await base.connect()
        return RecordingConnection(base: connection as! any PipeliningConnection, recorder: self)
    }

    /// The base's session driver, still recording here (a serial or snapshot run's pipelines).
    func sessionDriver(_ mode: SessionMode, setup: [String]) -> any DatabaseDriver {
        let session = base.sessionDriver(mode, setup: setup)
        guard let pipelining = session as? any PipelineCapableDriver else { return session }
        return PipelineRecorder(pipelining, recordingInto: parent ?? self)
    }

    fileprivate func record(_ queries: [Query]) {
        if let parent { return parent.record(queries) }
        runs.withLock { $0.append(queries.map(\.index)) }
    }
}

private final class RecordingConnection: PipeliningConnection {
    let base: any PipeliningConnection
    let recorder: PipelineRecorder

    init(base: any PipeliningConnection, recorder: PipelineRecorder) {
        self.base = base
        self.recorder = recorder
    }

    func execute(_ query: Query, control: QueryControl, channel: RowChannel?) async throws(QueryError) -> RowSet {
        try await base.execute(query, control: control, channel: channel)
    }

    func executeRefusingWrites(_ query: Query, control: QueryControl, channel: RowChannel?) async throws(QueryError) -> RowSet {
        try await base.executeRefusingWrites(query, control: control, channel: channel)
    }

    var standardConformingStrings: Bool { base.standardConformingStrings }

    func executeInTransaction(_ queries: [Query]) async throws(QueryError) -> [RowSet] {
        try await base.executeInTransaction(queries)
    }

    func executePipeline(_ queries: [Query], channels: [RowChannel?], control: QueryControl, stopAtFirstError: Bool) async -> [PipelinedResult] {
        recorder.record(queries)
        return await base.executePipeline(queries, channels: channels, control: control, stopAtFirstError: stopAtFirstError)
    }

    func executeInOpenTransaction(_ query: Query, control: QueryControl, channel: RowChannel?, requireOpen: Bool,
                                  refuseWrites: Bool) async throws(QueryError) -> RowSet {
        try await base.executeInOpenTransaction(query, control: control, channel: channel, requireOpen: requireOpen, refuseWrites: refuseWrites)
    }

    var isUsable: Bool { base.isUsable }

    func retire() { base.retire() }

    func close() async {
        await base.close()
    }

    func closeOnCallingThread() {
        base.closeOnCallingThread()
    }
}
