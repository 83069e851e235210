import Foundation
@testable import QGather
import Testing

/// Quick read-only queries share libpq pipelines on a connection; results, errors and
/// cancellation stay exactly as if each query had had its own round trip.
@Suite(.timeLimit(.minutes(2)))
struct PostgresPipelineTests {
    static func database(_ extra: String = "", connections: Int) throws -> (Database, PipelineRecorder) {
        let recorder = PipelineRecorder(try PostgresDriver(conninfo: try TestDatabases.postgresConninfo() + " " + extra))
        return (Database(driver: recorder, maxConnections: connections), recorder)
    }

    /// Options whose pipelines deepen whatever the machine's load (in a parallel test run a point
    /// select can take longer than the planner's "quick"), so that the tests see pipelines.
    static func options(jobs: Int, policy: ErrorPolicy = .failFast) -> GatherOptions {
        var options = GatherOptions(jobs: jobs, policy: policy)
        options.pipelineTuning = PipelinePlanner.Tuning(fastQuery: .seconds(60), slowQuery: .seconds(120))
        return options
    }

    /// Runs `body` on a database with a fresh table made by `ddl` (`{t}` stands for its name),
    /// then drops the table and closes the database.
    static func withTable(_ prefix: String, _ ddl: String, connections: Int,
                          _ body: (Database, PipelineRecorder, String) async throws -> Void) async throws {
        let table = TestDatabases.uniqueTable(prefix)
        let (db, recorder) = try database(connections: connections)
        try await db.execute(SQL(sql: ddl.replacingOccurrences(of: "{t}", with: table)))
        try await body(db, recorder, table)
        try await db.execute("DROP TABLE \(unsafeRaw: table)")
        await db.close()
    }

    /// Terminates the backend of `app` once it runs the query marked `victim_marker` (waiting up
    /// to 10 s for it); true if it was terminated.
    static func terminateVictim(of app: String, from watcher: Database) async throws -> Bool {
        for _ in 0..<400 {
            try await Task.sleep(for: .milliseconds(25))
            let killed = try await watcher.execute("""
                SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                WHERE application_name = '\(unsafeRaw: app)' AND query LIKE '%victim_marker%' AND state = 'active'
                """).rows[0][0]
            if killed == .integer(1) { return true }
        }
        return false
    }

    @Test func manyQuickQueriesShareRoundTripsAndComeBackInOrder() async throws {
        let (db, recorder) = try Self.database(connections: 4)
        let sql = (0..<600).map { "SELECT \($0) AS n, repeat('x', \($0 % 7)) || \($0) AS t, NULL::int AS z" }
        let outcomes = await db.gather(Batch(sql: sql), options: Self.options(jobs: 4))
        #expect(outcomes.map(\.query.index) == Array(0..<600))
        #expect(outcomes.allSatisfy { $0.status == .ok })
        for (n, outcome) in outcomes.enumerated() {
            #expect(outcome.rowSet?.rows == [[.integer(Int64(n)), .text(String(repeating: "x", count: n % 7) + "\(n)"), .null]])
        }
        let pipelines = recorder.pipelines
        #expect(pipelines.contains { $0.count > 8 }, "no deep pipeline: \(pipelines.map(\.count))")
        #expect(Set(pipelines.flatMap { $0 }).count == pipelines.flatMap { $0 }.count, "a query was sent twice")
        #expect(db.pool.peakOpenConnections <= 4)
        await db.close()
    }

    @Test func anErrorInAPipelineFailsOnlyItsQuery() async throws {
        let (db, recorder) = try Self.database(connections: 2)
        var sql = (0..<400).map { "SELECT \($0) AS n" }
        sql[250] = "SELECT 1/0"
        let outcomes = await db.gather(Batch(sql: sql), options: Self.options(jobs: 2, policy: .collect))
        #expect(outcomes[250].error?.code == "22012")
        #expect(outcomes[250].error?.query?.index == 250)
        #expect(outcomes.enumerated().allSatisfy { $0.offset == 250 || $0.element.rowSet?.rows == [[.integer(Int64($0.offset))]] })
        #expect(recorder.pipelines.contains { $0.contains(250) && $0.count > 1 }, "the failing query was not pipelined")
        // The connections stay in service.
        let after = await db.gather(Batch(sql: ["SELECT 7"]), options: GatherOptions(jobs: 1))
        #expect(after[0].rowSet?.rows == [[.integer(7)]])
        #expect(db.pool.peakOpenConnections <= 2)
        await db.close()
    }

    @Test func failFastInAPipelinedBatchStopsTheRestAndLeavesNothingRunning() async throws {
        let app = "qgt_pipe_ff_\(UInt32.random(in: 0...UInt32.max))"
        let (db, _) = try Self.database("application_name=\(app)", connections: 4)
        var sql = (0..<5000).map { "SELECT \($0) AS n" }
        sql[300] = "SELECT 1/0"
        let outcomes = await db.gather(Batch(sql: sql), options: Self.options(jobs: 4))
        #expect(outcomes.count == 5000)
        #expect(outcomes.filter { $0.status == .error }.map(\.query.index) == [300])
        #expect(outcomes.last?.status == .cancelled)
        #expect(try await TestDatabases.activeQueries(applicationName: app) == 0)
        await db.close()
    }

    @Test func cancellingAPipelinedBatchStopsItOnTheServer() async throws {
        let app = "qgt_pipe_cancel_\(UInt32.random(in: 0...UInt32.max))"
        let (db, recorder) = try Self.database("application_name=\(app)", connections: 2)
        // Quick at first, so the pipelines deepen; then each takes a while.
        let sql = (0..<3000).map { $0 < 500 ? "SELECT \($0)" : "SELECT pg_sleep(0.002)" }
        let task = Task { await db.gather(Batch(sql: sql), options: Self.options(jobs: 2)) }
        while !recorder.pipelines.contains(where: { $0.count > 4 && $0.contains { $0 >= 500 } }) {
            try await Task.sleep(for: .milliseconds(5))
        }
        let clock = ContinuousClock()
        let start = clock.now
        task.cancel()
        let outcomes = await task.value
        #expect(clock.now - start < .seconds(5))
        #expect(outcomes.allSatisfy { $0.status != .error })
        #expect(outcomes.contains { $0.status == .cancelled })
        #expect(try await TestDatabases.activeQueries(applicationName: app) == 0)
        await db.close()
    }

    @Test func aBackendTerminatedMidPipelineFailsOnlyTheQueryItWasRunning() async throws {
        let app = "qgt_pipe_term_\(UInt32.random(in: 0...UInt32.max))"
        let (db, recorder) = try Self.database("application_name=\(app)", connections: 1)
        let sql = (0..<200).map { "SELECT \($0)" } + ["SELECT pg_sleep(20) AS victim_marker"] + (201..<400).map { "SELECT \($0)" }
        let task = Task { await db.gather(Batch(sql: sql), options: Self.options(jobs: 1, policy: .collect)) }
        let watcher = try Database.postgres(try TestDatabases.postgresConninfo(), configuration: .init(maxConnections: 1))
        #expect(try await Self.terminateVictim(of: app, from: watcher))
        let outcomes = await task.value
        #expect(outcomes.filter { $0.status != .ok }.map(\.query.index) == [200])
        #expect(outcomes[200].error?.kind == .connectionLost)
        #expect(outcomes[399].rowSet?.rows == [[.integer(399)]])
        #expect(recorder.pipelines.contains { $0.contains(200) && $0.count > 1 }, "the victim was not pipelined")
        await watcher.close()
        await db.close()
    }

    /// A pipelined read whose connection broke before its result came back may have run on the
    /// server, and a `SELECT` can write through a function: its second run happens in a
    /// read-only transaction, so the write is refused (and reported with the lost connection)
    /// instead of repeated, while plain reads behind it run again and succeed.
    @Test func aReadThatWritesThroughAFunctionIsNeverRunAgainAfterALostConnection() async throws {
        let app = "qgt_pipe_rerun_\(UInt32.random(in: 0...UInt32.max))"
        let table = TestDatabases.uniqueTable("qgt_visits")
        let setup = try Database.postgres(try TestDatabases.postgresConninfo(), configuration: .init(maxConnections: 1))
        try await setup.execute("CREATE TABLE \(unsafeRaw: table) (n int); CREATE FUNCTION \(unsafeRaw: table)_log(n int) RETURNS int LANGUAGE sql AS 'INSERT INTO \(unsafeRaw: table) VALUES (n) RETURNING n'")
        let (db, recorder) = try Self.database("application_name=\(app)", connections: 1)
        let sql = (0..<200).map { "SELECT \($0)" } + ["SELECT pg_sleep(3) AS victim_marker", "SELECT \(table)_log(42)"] + (202..<300).map { "SELECT \($0)" }
        let task = Task { await db.gather(Batch(sql: sql), options: Self.options(jobs: 1, policy: .collect)) }
        #expect(try await Self.terminateVictim(of: app, from: setup))
        let outcomes = await task.value
        #expect(recorder.pipelines.contains { $0.contains(200) && $0.contains(201) }, "the victim and the writing read did not share a pipeline")
        // The victim fails with the terminated backend's error, or, when the link went down
        // before that error arrived, runs again read-only (it only reads) and succeeds.
        #expect(outcomes[200].status == .ok || outcomes[200].error?.kind == .connectionLost)
        let refused = try #require(outcomes[201].error, "the writing read ran again: \(String(describing: outcomes[201].rowSet?.rows))")
        #expect(refused.kind == .connectionLost)
        #expect(refused.message.contains("not run again since it writes"), "\(refused.message)")
        #expect(Set(outcomes.filter { $0.status != .ok }.map(\.query.index)).isSubset(of: [200, 201]))
        #expect(outcomes[299].rowSet?.rows == [[.integer(299)]])
        let visits = try await setup.execute("SELECT count(*) FROM \(unsafeRaw: table)")
        #expect(visits.rows == [[.integer(0)]], "the function's insert was repeated or kept")
        try await setup.execute("DROP FUNCTION \(unsafeRaw: table)_log(int); DROP TABLE \(unsafeRaw: table)")
        await setup.close()
        await db.close()
    }

    @Test func aRepeatedTextIsPreparedOncePerConnectionAndEachQueryKeepsItsValues() async throws {
        let (db, recorder) = try Self.database(connections: 4)
        let queries = (0..<600).map { n in
            Query("SELECT :n::int * 2 AS twice, :label::text AS label", parameters: ["n": .integer(Int64(n)), "label": n % 5 == 0 ? .null : .text("q\(n)")], index: n)
        }
        let outcomes = await db.gather(Batch(queries), options: Self.options(jobs: 4))
        for (n, outcome) in outcomes.enumerated() {
            #expect(outcome.rowSet?.rows == [[.integer(Int64(2 * n)), n % 5 == 0 ? .null : .text("q\(n)")]], "query \(n): \(String(describing: outcome.error))")
        }
        #expect(recorder.pipelines.contains { $0.count > 8 })
        // One statement per connection for the one text, not one per query.
        let prepared = try await db.execute("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'qgather_%'")
        #expect(try prepared.value(Int64.self, row: 0, column: 0) == 1)
        await db.close()
    }

    @Test func queriesThatDifferOnlyInAComparedNumberShareOneStatementAndKeepTheirValues() async throws {
        try await Self.withTable("qgt_pipe_lit", "CREATE TABLE {t} (id int PRIMARY KEY, v text); INSERT INTO {t} SELECT g, 'v' || g FROM generate_series(1, 1000) g",
                                 connections: 4) { db, recorder, table in
            let sql = (0..<600).map { "SELECT v, id > 300 AS big FROM \(table) WHERE id = \($0 + 100)" }
            let outcomes = await db.gather(Batch(sql: sql), options: Self.options(jobs: 4))
            for (n, outcome) in outcomes.enumerated() {
                #expect(outcome.rowSet?.rows == [[.text("v\(n + 100)"), .bool(n + 100 > 300)]], "query \(n): \(String(describing: outcome.error))")
            }
            #expect(recorder.pipelines.contains { $0.count > 8 })
            let prepared = try await db.execute("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'qgather_%'")
            #expect(try prepared.value(Int64.self, row: 0, column: 0) == 1)
        }
    }

    /// Found on PostgreSQL's regression SQL: twelve `FETCH FIRST ROW ONLY` lookups that differ
    /// only in the number. Past the fifth execution of a shared statement the server switches to
    /// a generic plan (a sequential scan here, where each literal gets an index scan), which
    /// returns another row: such texts are never rewritten, so each returns what it returns alone.
    @Test func lookupsWhoseRowsDependOnThePlanReturnWhatTheyReturnAlonePastTheFifthExecution() async throws {
        let ddl = "CREATE TABLE {t} AS SELECT u AS unique1, repeat('x', 200) AS filler "
            + "FROM (SELECT u FROM generate_series(0, 9999) u ORDER BY md5(u::text)) s; CREATE INDEX ON {t} (unique1); ANALYZE {t}"
        try await Self.withTable("qgt_pipe_plan", ddl, connections: 1) { db, recorder, table in
            let lookups = (9985...9996).map { "SELECT unique1 FROM \(table) WHERE unique1 > \($0) FETCH FIRST ROW ONLY" }
            var alone: [[[Value]]] = []
            for sql in lookups { alone.append(try await db.execute(SQL(sql: sql)).rows) }
            let outcomes = await db.gather(Batch(sql: lookups + lookups), options: Self.options(jobs: 1))
            #expect(recorder.pipelines.contains { $0.count > 5 }, "not pipelined: \(recorder.pipelines.map(\.count))")
            for (n, outcome) in outcomes.enumerated() {
                #expect(outcome.rowSet?.rows == alone[n % lookups.count], "\(lookups[n % lookups.count]): \(String(describing: outcome.rowSet?.rows))")
            }
        }
    }

    @Test func anErrorAtAComparedNumberIsReportedAsForTheTextAsWritten() async throws {
        try await Self.withTable("qgt_pipe_lit_err", "CREATE TABLE {t} (id int)", connections: 1) { db, recorder, table in
            // The error is after the literal: its position holds only if the text kept its length.
            let text = "SELECT *\nFROM \(table) WHERE id = 12345 AND nosuchcolumn = 1"
            let alone = await db.gather(Batch(sql: [text]), options: GatherOptions(jobs: 1))
            let expected = try #require(alone[0].error)
            #expect(expected.code == "42703")
            // Among quick successes (pipelines deepen only while queries succeed), on one
            // connection: the text goes unnamed once, then its Prepare fails each time.
            let sql = (0..<400).map { $0 % 40 == 39 ? text : "SELECT \($0) AS n" }
            let outcomes = await db.gather(Batch(sql: sql), options: Self.options(jobs: 1, policy: .collect))
            #expect(recorder.pipelines.contains { $0.contains(79) && $0.count > 1 }, "\(recorder.pipelines.map(\.count))")
            for (n, outcome) in outcomes.enumerated() where n % 40 == 39 {
                #expect(outcome.error?.code == expected.code)
                #expect(outcome.error?.message == expected.message)
                #expect(outcome.error?.offset == expected.offset)
                #expect(outcome.error?.offset != nil)
            }
        }
    }

    @Test func aTextTheUserBindsNeverSharesAStatementWithTheSameTextMadeFromALiteral() async throws {
        try await Self.withTable("qgt_pipe_lit_key", "CREATE TABLE {t} (v text); INSERT INTO {t} VALUES ('12'), ('ab')",
                                 connections: 1) { db, _, table in
            // `v = :x` is sent as `v = $1` with the type inferred (text); `v = 12` becomes
            // `v = $1` declared int4, which has no `=` with text: it must keep failing as the
            // literal does.
            let queries = (0..<300).map { n in
                n % 2 == 0 ? Query("SELECT v FROM \(table) WHERE v = :x", parameters: ["x": .text("ab")], index: n)
                           : Query("SELECT v FROM \(table) WHERE v = 12", index: n)
            }
            let outcomes = await db.gather(Batch(queries), options: Self.options(jobs: 1, policy: .collect))
            for (n, outcome) in outcomes.enumerated() {
                if n % 2 == 0 {
                    #expect(outcome.rowSet?.rows == [[.text("ab")]], "query \(n): \(String(describing: outcome.error))")
                } else {
                    #expect(outcome.error?.code == "42883", "query \(n): \(String(describing: outcome.rowSet?.rows))")
                }
            }
        }
    }

    @Test func aRepeatedTextThatSaysNowIsNeverPreparedSoEachRunReadsItsOwnTime() async throws {
        // PostgreSQL reads 'now' when it parses: a prepared statement would repeat its first time.
        let (db, recorder) = try Self.database(connections: 1)
        let outcomes = await db.gather(Batch(sql: Array(repeating: "SELECT 'now'::timestamptz::text AS t", count: 300)),
                                       options: Self.options(jobs: 1))
        #expect(recorder.pipelines.contains { $0.count > 8 })
        let times = outcomes.compactMap { $0.rowSet?.rows.first?.first }
        #expect(times.count == 300)
        #expect(Set(times).count > 250, "\(Set(times).count) distinct times")
        let prepared = try await db.execute("SELECT count(*) FROM pg_prepared_statements")
        #expect(try prepared.value(Int64.self, row: 0, column: 0) == 0)
        await db.close()
    }

    @Test func aRepeatedTextThatCannotBePreparedFailsEachTimeWithItsOwnError() async throws {
        let (db, _) = try Self.database(connections: 2)
        let sql = (0..<300).map { $0 % 2 == 0 ? "SELECT x FROM qgather_no_such_table" : "SELECT \($0) AS n" }
        let outcomes = await db.gather(Batch(sql: sql), options: Self.options(jobs: 2, policy: .collect))
        for (n, outcome) in outcomes.enumerated() {
            if n % 2 == 0 {
                #expect(outcome.error?.code == "42P01", "query \(n): \(String(describing: outcome.error))")
                #expect(outcome.error?.message == "relation \"qgather_no_such_table\" does not exist")
            } else {
                #expect(outcome.rowSet?.rows == [[.integer(Int64(n))]])
            }
        }
        await db.close()
    }

    @Test func aTableChangedUnderAPreparedStatementIsReadAgainNotFailed() async throws {
        let table = TestDatabases.uniqueTable("qgt_pipe_alter")
        let (db, _) = try Self.database(connections: 2)
        try await db.execute("CREATE TABLE \(unsafeRaw: table) (a int); INSERT INTO \(unsafeRaw: table) VALUES (1)")
        let batch = Batch(sql: Array(repeating: "SELECT * FROM \(table)", count: 300))
        let before = await db.gather(batch, options: Self.options(jobs: 2))
        #expect(before.allSatisfy { $0.rowSet?.rows == [[.integer(1)]] })
        try await db.execute("ALTER TABLE \(unsafeRaw: table) ADD COLUMN b int DEFAULT 2")
        let after = await db.gather(batch, options: Self.options(jobs: 2))
        #expect(after.allSatisfy { $0.rowSet?.rows == [[.integer(1), .integer(2)]] }, "\(after.compactMap(\.error?.message).prefix(3))")
        try await db.execute("DROP TABLE \(unsafeRaw: table)")
        await db.close()
    }

    @Test func writesNeverShareAPipeline() async throws {
        let table = TestDatabases.uniqueTable("qgt_pipe_w")
        let (db, recorder) = try Self.database(connections: 2)
        try await db.execute("CREATE TABLE \(unsafeRaw: table) (n int)")
        let sql = (0..<400).map { $0 % 50 == 49 ? "INSERT INTO \(table) VALUES (\($0))" : "SELECT \($0)" }
        let outcomes = await db.gather(Batch(sql: sql), options: Self.options(jobs: 2))
        #expect(outcomes.allSatisfy { $0.status == .ok })
        let pipelined = Set(recorder.pipelines.flatMap { $0 })
        #expect(!pipelined.isEmpty)
        #expect(pipelined.allSatisfy { $0 % 50 != 49 }, "an INSERT went into a pipeline")
        let count = try await db.execute("SELECT count(*) FROM \(unsafeRaw: table)")
        #expect(count.rows[0][0] == .integer(8))
        try await db.execute("DROP TABLE \(unsafeRaw: table)")
        await db.close()
    }

    @Test func timeoutsAndRetriesKeepOneQueryPerRoundTrip() async throws {
        let (db, recorder) = try Self.database(connections: 2)
        let sql = (0..<300).map { "SELECT \($0)" }
        var withTimeout = Self.options(jobs: 2)
        withTimeout.timeout = .seconds(5)
        var withRetries = Self.options(jobs: 2)
        withRetries.retries = 2
        let timed = await db.gather(Batch(sql: sql), options: withTimeout)
        let retried = await db.gather(Batch(sql: sql), options: withRetries)
        #expect((timed + retried).allSatisfy { $0.status == .ok })
        #expect(recorder.pipelines.isEmpty)
        await db.close()
    }

    @Test func readOnlySessionsAreNeverPipelined() async throws {
        let recorder = PipelineRecorder(try PostgresDriver(conninfo: try TestDatabases.postgresConninfo(), readOnly: true))
        let db = Database(driver: recorder, maxConnections: 2)
        let outcomes = await db.gather(Batch(sql: (0..<300).map { "SELECT \($0)" }), options: Self.options(jobs: 2))
        #expect(outcomes.allSatisfy { $0.status == .ok })
        #expect(recorder.pipelines.isEmpty)
        await db.close()
    }
}
