@testable import QGather
import Testing

/// What a pipeline decides, without a server: which queries may run again, which statements
/// the cache forgets, and how errors read when the pipeline ends.
@Suite struct PipelineRunTests {
    private let now = ContinuousClock.now
    private let rows = RowSet(columns: [], rows: [])

    @Test func queriesWithoutAResultMayRunAgainReadOnlyIfSentAndFreelyIfNot() {
        var run = PipelineRun(count: 4)
        run.recordSent(nil)
        run.recordSent(nil)
        run.recordSent(nil)
        _ = run.record(.success(rows), preparationFailed: false, started: now, ended: now)
        run.recordBreak()
        run.failRest(with: QueryError(kind: .connectionLost, code: .connectionFailure, message: "lost"), at: now)
        #expect(run.results.map(\.rerun) == [nil, .unknown, .unknown, AttemptEffect.none])
        #expect(run.broken && run.isComplete)
    }

    @Test func aStopBeforeSendingRunsNothingAgain() {
        var run = PipelineRun(count: 2)
        run.failRest(with: .cancelled(), at: now, standing: true)
        #expect(run.results.map(\.rerun) == [nil, nil])
    }

    @Test func aNamedStatementThatNoLongerFitsIsForgottenAndItsQueryRunsAgainUnnamed() {
        var run = PipelineRun(count: 2)
        run.recordSent((sql: "SELECT 1", preparing: false))
        run.recordSent((sql: "SELECT 2", preparing: true))
        let stale = QueryError(kind: .database, code: .featureNotSupported, message: "cached plan must not change result type")
        #expect(run.record(.failure(stale), preparationFailed: false, started: now, ended: now) == "SELECT 1")
        let prepare = QueryError(kind: .database, code: "42P01", message: "no such table")
        #expect(run.record(.failure(prepare), preparationFailed: true, started: now, ended: now) == "SELECT 2")
        #expect(run.results.map(\.rerun) == [AttemptEffect.none, nil])
    }

    @Test func endingTurnsServerCancelsIntoTheStopAndFailuresAfterALostLinkIntoLostConnections() {
        var run = PipelineRun(count: 3)
        (0..<3).forEach { _ in run.recordSent(nil) }
        _ = run.record(.failure(QueryError(kind: .database, code: .queryCanceled, message: "canceling")), preparationFailed: false,
                       started: now, ended: now)
        _ = run.record(.failure(QueryError(kind: .database, code: "22012", message: "division by zero")), preparationFailed: false,
                       started: now, ended: now)
        _ = run.record(.success(rows), preparationFailed: false, started: now, ended: now)
        let settled = run.settled(stopReason: .timedOut(.seconds(1)), lost: true)
        #expect(settled[0].result.error?.code == .timedOut)
        #expect(settled[1].result.error?.kind == .connectionLost)
        #expect(settled[2].result.error == nil)
    }
}

private extension Result where Failure == QueryError {
    var error: QueryError? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
