import QGather
import Testing

/// Counts to `n` with a recursive CTE: CPU-bound, touches no table.
private func countTo(_ n: Int) -> String {
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < \(n)) SELECT count(*) FROM c"
}

/// A query that would run for a very long time unless interrupted.
private let runaway = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"

/// The first cell of each outcome's rows (nil when it has none).
private func firstValues(_ outcomes: [QueryOutcome]) -> [Value?] {
    outcomes.map { $0.rowSet?.rows.first?.first }
}

/// When the outcome's query ended, from the start of the batch.
private func endOffset(_ outcome: QueryOutcome) -> Duration? {
    guard let start = outcome.startOffset, let duration = outcome.duration else { return nil }
    return start + duration
}

@Suite(.serialized, .timeLimit(.minutes(1)))
struct GathererTests {
    // MARK: Ordering

    @Test func outcomesFollowInputOrderWhenLaterQueriesFinishFirst() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 4))
        let batch = Batch(sql: [countTo(3_000_000), "SELECT 1", "SELECT 2", "SELECT 3"])
        let outcomes = await db.gather(batch, options: GatherOptions(jobs: 4))
        #expect(outcomes.map(\.query.index) == [0, 1, 2, 3])
        #expect(outcomes.map(\.status) == [.ok, .ok, .ok, .ok])
        #expect(firstValues(outcomes) == [.integer(3_000_000), .integer(1), .integer(2), .integer(3)])
        let slowEnd = try #require(endOffset(outcomes[0]))
        for outcome in outcomes.dropFirst() {
            let end = try #require(endOffset(outcome))
            #expect(end < slowEnd, "query \(outcome.query.index) should have finished before the slow one")
        }
        await db.close()
    }

    @Test func orderedStreamYieldsOutcomesInInputOrder() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 4))
        let batch = Batch(sql: [countTo(3_000_000), "SELECT 'b'", "SELECT 'c'", "SELECT 'd'"])
        var indexes: [Int] = []
        var values: [Value?] = []
        var ends: [Duration?] = []
        for await outcome in db.outcomes(batch, options: GatherOptions(jobs: 4)) {
            indexes.append(outcome.query.index)
            values.append(outcome.rowSet?.rows.first?.first)
            ends.append(endOffset(outcome))
        }
        #expect(indexes == [0, 1, 2, 3])
        #expect(values == [.integer(3_000_000), .text("b"), .text("c"), .text("d")])
        let slowEnd = try #require(ends[0])
        for end in ends.dropFirst() {
            let fastEnd = try #require(end)
            #expect(fastEnd < slowEnd)
        }
        await db.close()
    }

    @Test func emptyBatchGivesNoOutcomesAndOpensNoConnection() async {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 2))
        let outcomes = await db.gather(Batch([]), options: GatherOptions(jobs: 4))
        #expect(outcomes.isEmpty)
        var streamed = 0
        for await _ in db.outcomes(Batch(sql: [])) { streamed += 1 }
        #expect(streamed == 0)
        #expect(db.pool.openConnections == 0)
        await db.close()
    }

    @Test func identicalQueriesEachRun() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 2))
        try await db.execute("CREATE TABLE t(x)")
        let outcomes = await db.gather(Batch(sql: ["INSERT INTO t VALUES (1)", "INSERT INTO t VALUES (1)"]), options: GatherOptions(jobs: 2))
        #expect(outcomes.map(\.status) == [.ok, .ok])
        #expect(outcomes.map { $0.rowSet?.rowsAffected } == [1, 1])
        let count = try await db.execute("SELECT count(*) FROM t")
        #expect(count.rows == [[.integer(2)]])
        await db.close()
    }

    // MARK: Error policies

    @Test func failFastInterruptsRunningQueryAndCancelsPendingOnes() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 2))
        let batch = Batch(sql: [runaway, "SELECT * FROM missing_table", "SELECT 1", "SELECT 2"])
        let clock = ContinuousClock()
        let start = clock.now
        let outcomes = await db.gather(batch, options: GatherOptions(jobs: 2, policy: .failFast))
        #expect(clock.now - start < .seconds(10))
        #expect(outcomes.map(\.query.index) == [0, 1, 2, 3])
        #expect(outcomes.map(\.status) == [.cancelled, .error, .cancelled, .cancelled])
        let error = try #require(outcomes[1].error)
        #expect(error.kind == .database)
        #expect(error.message.contains("missing_table"))
        // The pending queries never started.
        #expect(outcomes[2].startOffset == nil)
        #expect(outcomes[3].startOffset == nil)
        await db.close()
    }

    @Test func failFastNeverStartsQueriesAfterTheFailure() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 1))
        try await db.execute("CREATE TABLE t(x)")
        let outcomes = await db.gather(Batch(sql: ["SELECT * FROM nope", "INSERT INTO t VALUES (1)"]), options: GatherOptions(jobs: 1))
        #expect(outcomes.map(\.status) == [.error, .cancelled])
        let count = try await db.execute("SELECT count(*) FROM t")
        #expect(count.rows == [[.integer(0)]])
        await db.close()
    }

    @Test func collectPolicyRunsEveryQueryAndKeepsErrorsInTheirSlots() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 2))
        try await db.execute("CREATE TABLE t(x)")
        let batch = Batch(sql: ["SELECT 1", "SELECT * FROM nope", "INSERT INTO t VALUES (7)", "SELECT y FROM also_missing", "SELECT 3"])
        let outcomes = await db.gather(batch, options: GatherOptions(jobs: 2, policy: .collect))
        #expect(outcomes.map(\.status) == [.ok, .error, .ok, .error, .ok])
        #expect(firstValues(outcomes)[0] == .integer(1))
        #expect(firstValues(outcomes)[4] == .integer(3))
        #expect(outcomes[2].rowSet?.rowsAffected == 1)

        let first = try #require(outcomes[1].error)
        #expect(first.kind == .database)
        #expect(first.code == "SQLITE_ERROR")
        #expect(first.message.contains("no such table: nope"))
        #expect(first.query?.index == 1)

        let second = try #require(outcomes[3].error)
        #expect(second.code == "SQLITE_ERROR")
        #expect(second.message.contains("no such table: also_missing"))
        #expect(second.query?.index == 3)

        let count = try await db.execute("SELECT count(*) FROM t")
        #expect(count.rows == [[.integer(1)]])
        await db.close()
    }

    @Test func executeThrowsTheQueryError() async {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 1))
        let error = await #expect(throws: QueryError.self) { try await db.execute("SELECT * FROM nope") }
        #expect(error?.code == "SQLITE_ERROR")
        #expect(error?.message == "no such table: nope")
        await db.close()
    }

    // MARK: Timeouts and cancellation

    @Test func perQueryTimeoutInterruptsOnlyTheSlowQuery() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 2))
        let clock = ContinuousClock()
        let start = clock.now
        let outcomes = await db.gather(Batch(sql: [runaway, "SELECT 1"]),
                                       options: GatherOptions(jobs: 2, policy: .collect, timeout: .milliseconds(300)))
        #expect(clock.now - start < .seconds(5))
        let error = try #require(outcomes[0].error)
        #expect(error.kind == .timedOut)
        #expect(error.code == "timeout")
        #expect(error.message.contains("timed out"))
        let duration = try #require(outcomes[0].duration)
        #expect(duration >= .milliseconds(250))
        #expect(outcomes[1].status == .ok)
        #expect(firstValues(outcomes)[1] == .integer(1))
        await db.close()
    }

    @Test func cancellingTheGatheringTaskStopsPromptlyWithCancelledSlots() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 2))
        let batch = Batch(sql: [runaway, runaway, "SELECT 1"])
        let task = Task { await db.gather(batch, options: GatherOptions(jobs: 2)) }
        try await Task.sleep(for: .milliseconds(200))
        let clock = ContinuousClock()
        let cancelledAt = clock.now
        task.cancel()
        let outcomes = await task.value
        #expect(clock.now - cancelledAt < .seconds(5))
        #expect(outcomes.map(\.query.index) == [0, 1, 2])
        #expect(outcomes.map(\.status) == [.cancelled, .cancelled, .cancelled])
        let error = #expect(throws: QueryError.self) { try outcomes[2].get() }
        #expect(error?.kind == .cancelled)
        await db.close()
    }

    @Test func cancellingTheStreamInterruptsRunningQueriesAndStillDeliversEveryOutcome() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 2))
        let stream = db.outcomes(Batch(sql: [runaway, "SELECT 1"]), options: GatherOptions(jobs: 2))
        let collector = Task {
            var received: [QueryOutcome] = []
            for await outcome in stream { received.append(outcome) }
            return received
        }
        try await Task.sleep(for: .milliseconds(200))
        let clock = ContinuousClock()
        let cancelledAt = clock.now
        stream.cancel()
        let outcomes = await collector.value
        #expect(clock.now - cancelledAt < .seconds(5))
        #expect(outcomes.map(\.query.index) == [0, 1])
        #expect(outcomes.map(\.status) == [.cancelled, .ok])
        await db.close()
    }

    @Test func cancellingAfterCompletionChangesNothing() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 1))
        let task = Task { await db.gather(Batch(sql: ["SELECT 1", "SELECT 2"]), options: GatherOptions(jobs: 1)) }
        let outcomes = await task.value
        task.cancel()
        #expect(outcomes.map(\.status) == [.ok, .ok])
        #expect(firstValues(outcomes) == [.integer(1), .integer(2)])
        let again = await task.value
        #expect(firstValues(again) == [.integer(1), .integer(2)])

        let stream = db.outcomes(Batch(sql: ["SELECT 3"]), options: GatherOptions(jobs: 1))
        var streamed: [QueryOutcome] = []
        for await outcome in stream { streamed.append(outcome) }
        stream.cancel()
        #expect(streamed.map(\.status) == [.ok])
        #expect(firstValues(streamed) == [.integer(3)])

        // The late cancellations reach no later query on the same connection.
        let after = await db.gather(Batch(sql: [countTo(300_000)]), options: GatherOptions(jobs: 1))
        #expect(after.map(\.status) == [.ok])
        #expect(firstValues(after) == [.integer(300_000)])
        await db.close()
    }

    @Test func connectionInterruptedByTimeoutServesTheNextQuery() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 1))
        let first = await db.gather(Batch(sql: [runaway]), options: GatherOptions(jobs: 1, policy: .collect, timeout: .milliseconds(300)))
        #expect(first.first?.error?.kind == .timedOut)
        let second = await db.gather(Batch(sql: ["SELECT 42", countTo(200_000)]), options: GatherOptions(jobs: 1))
        #expect(second.map(\.status) == [.ok, .ok])
        #expect(firstValues(second) == [.integer(42), .integer(200_000)])
        // The interrupted connection was kept, not replaced.
        #expect(db.pool.openConnections == 1)
        await db.close()
    }

    // MARK: Errors and results

    @Test func errorsCarryFileLineAndColumnMappedFromTheErrorOffset() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 1))
        let text = "SELECT 1;\n\nSELECT a,\n       nope\nFROM (SELECT 1 AS a); SELECT zz FROM (SELECT 1 AS a);\n"
        let queries = try ScriptSplitter(dialect: db.dialect).split(text, file: "report.sql")
        try #require(queries.count == 3)
        #expect([queries[1].line, queries[1].column] == [3, 1])
        #expect([queries[2].line, queries[2].column] == [5, 23])

        let outcomes = await db.gather(Batch(queries), options: GatherOptions(jobs: 1, policy: .collect))
        #expect(outcomes.map(\.status) == [.ok, .error, .error])

        let error = try #require(outcomes[1].error)
        #expect(error.message == "no such column: nope")
        #expect(error.offset == 17)
        #expect(error.line == 4)
        #expect(error.column == 8)
        #expect(error.query?.file == "report.sql")
        #expect(error.query?.name == "q2")
        #expect(error.description == "report.sql:4:8: q2: no such column: nope")

        // A statement starting mid-line: "SELECT zz" starts at column 23, zz is 7 bytes in.
        let midLine = try #require(outcomes[2].error)
        #expect(midLine.message == "no such column: zz")
        #expect(midLine.line == 5)
        #expect(midLine.column == 30)
        await db.close()
    }

    @Test func dmlReportsRowsAffectedAndSelectsDoNot() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 1))
        try await db.execute("CREATE TABLE t(x INTEGER)")
        let batch = Batch(sql: [
            "INSERT INTO t VALUES (1), (2), (3)",
            "UPDATE t SET x = x + 10 WHERE x >= 2",
            "DELETE FROM t WHERE x = 1",
            "SELECT x FROM t ORDER BY x",
        ])
        let outcomes = await db.gather(batch, options: GatherOptions(jobs: 1))
        #expect(outcomes.map(\.status) == [.ok, .ok, .ok, .ok])
        #expect(outcomes.map { $0.rowSet?.rowsAffected } == [3, 2, 1, nil])
        #expect(outcomes.map { $0.rowSet?.returnsRows } == [false, false, false, true])
        #expect(outcomes[3].rowSet?.rows == [[.integer(12)], [.integer(13)]])
        await db.close()
    }

    @Test func sqliteStorageClassesMapToValueCases() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 1))
        let rows = try await db.execute(
            "SELECT 42 AS i, 2.5 AS r, 'h\u{E9}llo' AS t, x'00ff10' AS b, NULL AS n, '' AS e, zeroblob(0) AS z, -9223372036854775808 AS m")
        #expect(rows.rows.count == 1)
        let row = try #require(rows.rows.first)
        #expect(row == [.integer(42), .real(2.5), .text("h\u{E9}llo"), .blob([0x00, 0xFF, 0x10]), .null, .text(""), .blob([]), .integer(Int64.min)])
        #expect(row[4].isNull)
        #expect(!row[5].isNull)
        #expect(row[5] != .null)
        await db.close()
    }

    @Test func tableValuesKeepTheirStorageClass() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 1))
        try await db.execute("CREATE TABLE v(a INTEGER, b REAL, c TEXT, d BLOB, e); INSERT INTO v VALUES (7, 0.5, '', x'01', NULL), (NULL, 3, 'x', '', 1.5)")
        let rows = try await db.execute("SELECT a, b, c, d, e FROM v ORDER BY rowid")
        #expect(rows.rows == [
            [.integer(7), .real(0.5), .text(""), .blob([0x01]), .null],
            [.null, .real(3.0), .text("x"), .text(""), .real(1.5)],
        ])
        await db.close()
    }

    @Test func columnNamesAndDeclaredTypesAreKept() async throws {
        let db = Database.sqlite(":memory:", configuration: .init(maxConnections: 1))
        try await db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, price REAL, data BLOB, misc)")
        let rows = try await db.execute("SELECT id AS ident, name, price, data, misc, price * 2 AS doubled FROM t")
        #expect(rows.columns.map(\.name) == ["ident", "name", "price", "data", "misc", "doubled"])
        #expect(rows.columns.map(\.type) == ["INTEGER", "TEXT", "REAL", "BLOB", "", ""])
        #expect(rows.rows.isEmpty)
        #expect(rows.returnsRows)
        #expect(rows.columnIndex(named: "PRICE") == 2)
        #expect(rows.columnIndex(named: "nothing") == nil)
        await db.close()
    }
}
