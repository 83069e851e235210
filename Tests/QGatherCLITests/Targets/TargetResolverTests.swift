import Foundation
@testable import QGatherCLI
import Testing

@Suite struct TargetResolverTests {
    @Test func aValueAfterDbIsADatabaseUnlessItIsAFileWithoutTheSQLiteHeader() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let sql = try dir.write("checks.sql", "SELECT 1;")
        let options = try TargetOptions.parse(["--db", db, sql, dir.path("new.db"), "postgresql://h/app"])
        let resolved = try TargetResolver.resolve(options, files: [])
        #expect(resolved.files == [sql])
        #expect(resolved.targets.map(\.target) == [.sqlite(db), .sqlite(dir.path("new.db")), .postgres("postgresql://h/app")])
    }

    @Test func aDatabaseIsNeverReadAsSQL() async throws {
        let dir = try TemporaryDirectory()
        let db = try await Fixtures.database(in: dir)
        let options = try TargetOptions.parse(["--db", db])
        #expect(throws: TargetResolver.Failure.self) { try TargetResolver.resolve(options, files: [db]) }
    }

    @Test func targetsComeFileFirstThenDbThenPg() throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write("t.txt", "one a.db\n")
        let options = try TargetOptions.parse(["--pg", "dbname=x", "--db", "b.db", "--targets", file])
        let resolved = try TargetResolver.resolve(options, files: ["q.sql"])
        #expect(resolved.targets.map(\.target) == [.sqlite(dir.path("a.db")), .sqlite("b.db"), .postgres("dbname=x")])
    }
}
