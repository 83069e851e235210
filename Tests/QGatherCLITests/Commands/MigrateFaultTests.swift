import Foundation
import Testing

/// `migrate` when the disk fills up: the migration being applied fails with one clear line and
/// rolls back; the ones before it stay applied, nothing is half there.
@Suite struct MigrateFaultTests {
    /// A full disk, played by a file-size limit (`ulimit -f`, with SIGXFSZ ignored so that the
    /// write fails with EFBIG instead of killing the process): the sample data of 0002 cannot be
    /// written into a 256 KiB file.
    @Test func fullDiskFailsTheMigrationCleanlyAndLeavesNothingHalfApplied() async throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("shop.db")
        let migrations = CLIRunner.packageRoot.appendingPathComponent("Migrations").path
        let script = "trap '' XFSZ; ulimit -f 256; exec \"$0\" migrate --db \"$1\" --dir \"$2\" 2>&1"
        let run = try await CLIRunner.tool("/bin/bash", ["-c", script, CLIRunner.binary, db, migrations])
        #expect(run.status == 1, "\(run.stdout)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 1, "\(run.stdout)")
        #expect(run.stdout.hasPrefix("qgather: 0002_sample_data.sql:"), "\(run.stdout)")
        #expect(run.stdout.contains("disk I/O error") || run.stdout.contains("database or disk is full"), "\(run.stdout)")

        // A reader (which rolls back the interrupted transaction's hot journal) sees 0001 applied
        // whole and no row of 0002.
        let state = try await CLIRunner.tool("/usr/bin/sqlite3", [db, """
            SELECT group_concat(version) FROM qgather_migrations;
            SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM orders) + (SELECT count(*) FROM order_items);
            PRAGMA integrity_check;
            """])
        #expect(state.stdout == "1\n0\nok\n", "\(state.stdout)")

        // With room again, migrate picks up at 0002.
        let again = try await CLIRunner.run(["migrate", "--db", db, "--dir", migrations])
        #expect(again.status == 0, "\(again.stderr)")
        let after = try await CLIRunner.tool("/usr/bin/sqlite3", [db, "SELECT group_concat(version) FROM qgather_migrations; SELECT count(*) > 0 FROM orders;"])
        #expect(after.stdout == "1,2,3\n1\n", "\(after.stdout)")
    }
}
