import QGather
import Testing

/// Typed error codes: constants, SQLSTATE classes, SQLite primary codes, `isTransient`, and a
/// code from each engine as it really comes back.
@Suite struct QueryErrorCodeTests {
    @Test func sqlStatesHaveAClassAndOtherCodesDoNot() {
        let unique: QueryError.Code = "23505"
        #expect(unique.isSQLState && unique.sqlStateClass == "23")
        #expect(QueryError.Code.deadlockDetected.sqlStateClass == "40")
        #expect(QueryError.Code.sqliteBusy.sqlStateClass == nil && !QueryError.Code.timedOut.isSQLState)
    }

    @Test func sqliteExtendedCodesHaveTheirPrimaryCode() {
        #expect(QueryError.Code(rawValue: "SQLITE_BUSY_SNAPSHOT").primary == .sqliteBusy)
        #expect(QueryError.Code(rawValue: "SQLITE_CONSTRAINT_UNIQUE").primary == "SQLITE_CONSTRAINT")
        #expect(QueryError.Code.sqliteBusy.primary == .sqliteBusy)
        #expect(QueryError.Code.serializationFailure.primary == .serializationFailure)
    }

    @Test(arguments: [("SQLITE_BUSY", true), ("SQLITE_BUSY_RECOVERY", true), ("SQLITE_LOCKED_SHAREDCACHE", true), ("40001", true),
                      ("40P01", true), ("connect", true), ("57014", false), ("SQLITE_ERROR", false), ("timeout", false), ("08006", false)])
    func transientErrorsAreTheOnesThatLeaveNothingBehind(code: String, transient: Bool) {
        #expect(QueryError(kind: .database, code: QueryError.Code(rawValue: code), message: "m").isTransient == transient)
    }

    @Test func codesMatchInASwitch() {
        func verdict(_ code: QueryError.Code) -> String {
            switch code {
            case .serializationFailure, .deadlockDetected: return "retry"
            case let other where other.sqlStateClass == "23": return "constraint"
            default: return "other"
            }
        }
        #expect(verdict("40P01") == "retry")
        #expect(verdict("23503") == "constraint")
        #expect(verdict(.sqliteBusy) == "other")
    }

    @Test func enginesReportTheirOwnCodes() async throws {
        let db = Database.sqlite(":memory:")
        try await db.execute("CREATE TABLE t (x INTEGER PRIMARY KEY)")
        try await db.execute("INSERT INTO t VALUES (1)")
        do {
            try await db.execute("INSERT INTO t VALUES (1)")
            Issue.record("a duplicate key was accepted")
        } catch {
            #expect(error.code == "SQLITE_CONSTRAINT_PRIMARYKEY")
            #expect(error.code.primary == "SQLITE_CONSTRAINT" && !error.isTransient)
        }
        await db.close()
    }
}
