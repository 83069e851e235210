@testable import QGather
import Testing

@Suite struct ExpectationGatherTests {
    private func batch(_ sql: String) throws -> Batch {
        try ScriptLoader.split([("checks.sql", sql)], dialect: .sqlite)
    }

    @Test func aMissedExpectationFailsItsQueryWithStatusFailedCheck() async throws {
        let db = Database.sqlite(":memory:")
        try await db.execute("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2)")
        let outcomes = await db.gather(try batch("""
            -- expect: rows = 2
            SELECT x FROM t;
            -- expect: no rows
            SELECT x FROM t WHERE x > 1;
            SELECT 3;
            """), options: GatherOptions(jobs: 1, policy: .collect))
        #expect(outcomes.map(\.status) == [.ok, .failedCheck, .ok])
        #expect(outcomes[1].error?.kind == .checkFailed)
        #expect(outcomes[1].error?.code == .checkFailed)
        #expect(outcomes[1].error?.description == "checks.sql:4: q2: check failed: expected no rows, got 1: (2)")
        await db.close()
    }

    @Test func aFailedCheckStopsTheBatchUnderFailFast() async throws {
        let db = Database.sqlite(":memory:")
        let outcomes = await db.gather(try batch("-- expect: no rows\nSELECT 1;\nSELECT 2;\nSELECT 3;\n"), options: GatherOptions(jobs: 1))
        #expect(outcomes.map(\.status) == [.failedCheck, .cancelled, .cancelled])
        await db.close()
    }

    @Test func aTimeoutDirectiveStopsItsQueryAlone() async throws {
        let db = Database.sqlite(":memory:")
        let runaway = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
        let outcomes = await db.gather(try batch("-- timeout: 200ms\n\(runaway);\nSELECT 1;\n"), options: GatherOptions(jobs: 2, policy: .collect))
        // The query's own time, not the wall time: on a loaded machine its start may wait.
        let ran = try #require(outcomes[0].duration)
        #expect(ran >= .milliseconds(150) && ran < .seconds(10), "ran \(ran)")
        #expect(outcomes[0].error?.kind == .timedOut)
        #expect(outcomes[1].status == .ok)
        await db.close()
    }
}
