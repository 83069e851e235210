import QGather
import Testing

/// A migration file's statements are checked before anything runs.
@Suite struct MigrationStatementsTests {
    private func migration(_ sql: String) -> Migration {
        Migration(version: 1, name: "m", fileName: "0001_m.sql", sql: sql)
    }

    @Test(arguments: ["COMMIT;", "end;", "ROLLBACK;", "BEGIN;", "begin transaction;", "START TRANSACTION;", "ABORT;"])
    func transactionControlIsRefusedWithItsLine(statement: String) {
        do throws(MigrationError) {
            _ = try migration("CREATE TABLE a (x int);\n\(statement)\n").statements(dialect: .postgres)
            Issue.record("\(statement) was accepted")
        } catch {
            #expect(error.message.hasPrefix("0001_m.sql:2: "), "\(error.message)")
            #expect(error.message.contains("is not allowed in a migration"))
        }
    }

    @Test func savepointsTriggersAndAtomicBodiesAreAllowed() throws {
        let sqlite = "SAVEPOINT s;\nCREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; END;\nROLLBACK TO s;\nRELEASE s;\n"
        #expect(try migration(sqlite).statements(dialect: .sqlite).count == 4)
        let postgres = "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;\nCOMMENT ON TABLE a IS 'commit';\n"
        #expect(try migration(postgres).statements(dialect: .postgres).count == 2)
    }

    @Test func unsplittableFileIsAMigrationError() {
        do throws(MigrationError) {
            _ = try migration("SELECT 1;\nSELECT 'open;\n").statements(dialect: .sqlite)
            Issue.record("accepted")
        } catch {
            #expect(error.message == "0001_m.sql:2: unterminated string literal")
        }
    }
}
