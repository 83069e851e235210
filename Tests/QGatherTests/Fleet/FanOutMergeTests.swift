@testable import QGather
import Testing

@Suite struct FanOutMergeTests {
    private let query = Query("SELECT id, name FROM t", name: "q", file: "f.sql", line: 3)

    private func ok(_ columns: [String], _ rows: [[Value]], reals: RealRendering = .sqlite) -> QueryOutcome {
        QueryOutcome(query: query, result: .rows(RowSet(columns: columns.map { Column(name: $0, type: "") }, rows: rows, realRendering: reals)))
    }

    @Test func rowsAreMergedInTargetOrderBehindATargetColumn() {
        let merged = FanOutMerge.merge(query, [("eu", ok(["id", "name"], [[.integer(1), .text("a")], [.integer(2), .text("b")]])),
                                               ("us", ok(["id", "name"], [[.integer(3), .text("c")]]))], keepTargetRows: true)
        let rows = merged.rowSet!
        #expect(rows.columns.map(\.name) == ["target", "id", "name"])
        #expect(rows.rows == [[.text("eu"), .integer(1), .text("a")], [.text("eu"), .integer(2), .text("b")], [.text("us"), .integer(3), .text("c")]])
        #expect(merged.targets.map(\.label) == ["eu", "us"])
        #expect(merged.targets.map(\.rowCount) == [2, 1])
        #expect(merged.targets[1].rowSet?.rows == [[.integer(3), .text("c")]])
        #expect(merged.status == .ok)
    }

    @Test func eachEngineKeepsItsOwnRenderingOfReals() {
        let merged = FanOutMerge.merge(query, [("lite", ok(["x"], [[.real(0.1)]], reals: .sqlite)),
                                               ("pg", ok(["x"], [[.real(0.1)]], reals: .postgres))], keepTargetRows: false)
        let chunk = merged.rowSet!.chunks[0]
        let lite = chunk.withCell(row: 0, column: 1) { String(decoding: $1, as: UTF8.self) }
        #expect(lite == ValueText.sqliteReal(0.1))
        #expect(merged.rowSet!.rows[0][1] == .real(0.1))
    }

    @Test func aTargetWithOtherColumnsFailsAndSaysWhichDiffer() {
        let merged = FanOutMerge.merge(query, [("a", ok(["id", "name"], [[.integer(1), .text("x")]])),
                                               ("b", ok(["id", "title"], [[.integer(2), .text("y")]]))], keepTargetRows: true)
        #expect(merged.rowSet!.rows == [[.text("a"), .integer(1), .text("x")]])
        let error = merged.targets[1].error
        #expect(error?.code == .columnsDiffer)
        #expect(error?.message == "columns differ from target a's: (id, title) here, (id, name) there")
        #expect(merged.status == .error)
        #expect(throws: QueryError.self) { try merged.get() }
    }

    @Test func typesMayDiffer() {
        let pg = QueryOutcome(query: query, result: .rows(RowSet(columns: [Column(name: "n", type: "int4")], rows: [[.integer(1)]])))
        let lite = QueryOutcome(query: query, result: .rows(RowSet(columns: [Column(name: "n", type: "INTEGER")], rows: [[.integer(2)]])))
        let merged = FanOutMerge.merge(query, [("pg", pg), ("lite", lite)], keepTargetRows: false)
        #expect(merged.status == .ok)
        #expect(merged.rowSet?.rowCount == 2)
    }

    @Test func changeCountsAddUp() {
        let a = QueryOutcome(query: query, result: .rows(RowSet(columns: [], rows: [], rowsAffected: 2)))
        let b = QueryOutcome(query: query, result: .rows(RowSet(columns: [], rows: [], rowsAffected: 3)))
        let merged = FanOutMerge.merge(query, [("a", a), ("b", b)], keepTargetRows: false)
        #expect(merged.rowSet?.rowsAffected == 5)
    }

    @Test func failuresAndCancellationsKeepTheirSlotsAndTheOthersRows() {
        let failure = QueryError(kind: .database, code: "42P01", message: "no such table", query: query)
        let merged = FanOutMerge.merge(query, [("a", QueryOutcome(query: query, result: .failed(failure))),
                                               ("b", ok(["id"], [[.integer(7)]])),
                                               ("c", QueryOutcome(query: query, result: .cancelled))], keepTargetRows: false)
        #expect(merged.targets.map(\.status) == [.error, .ok, .cancelled])
        #expect(merged.rowSet?.rows == [[.text("b"), .integer(7)]])
        #expect(merged.targets[1].rowSet?.rows == [])  // not kept: the merged rows hold them
        #expect(merged.status == .error)
    }

    @Test func aQueryThatFailedEverywhereCarriesTheFirstError() {
        let failure = QueryError(kind: .database, code: "42P01", message: "no such table", query: query)
        let merged = FanOutMerge.merge(query, [("a", QueryOutcome(query: query, result: .cancelled)),
                                               ("b", QueryOutcome(query: query, result: .failed(failure)))], keepTargetRows: false)
        #expect(merged.error?.message == "no such table")
    }

    @Test func repeatedLabelsGetSuffixes() {
        #expect(FleetMember.uniqueLabels(["a", "b", "a", "a"]) == ["a", "b", "a_2", "a_3"])
    }
}
