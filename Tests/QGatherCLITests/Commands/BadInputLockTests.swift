import Foundation
import Testing

/// End-to-end: a SQLite database another process holds a lock on (a `sqlite3` in an open
/// transaction). qgather waits up to its 5 s busy timeout, and no longer than `--timeout` or a
/// Ctrl-C allows; the error says the database is locked.
@Suite struct BadInputLockTests {
    /// Runs `arguments` while `holder` holds its lock; checks the run like the corpus and that
    /// it changed nothing (both snapshots are taken while the lock is held).
    private func check(_ badCase: BadInputCase, exclusive: Bool = false) throws {
        let workspace = try BadInputWorkspace()
        let arguments = try badCase.arguments(workspace)
        let holder = try HeldSession.sqliteWriter(workspace.db, exclusive: exclusive)
        defer { holder.stop() }
        let before = DirectorySnapshot(workspace.root)
        let result = try CLIRunner.run(arguments)
        let after = DirectorySnapshot(workspace.root)
        BadInputCheck.verify(result, badCase, message: badCase.message(workspace))
        #expect(before == after, "\(badCase.name): the workspace changed: \(before.differences(from: after))")
    }

    @Test func writeWhileAnotherWriterHoldsTheLockFailsAfterTheBusyTimeout() throws {
        let badCase = BadInputCase("write while another writer holds the lock", exit: 1,
                                   message: { "\($0.path("write.sql")):1: q1: database is locked" }, maxSeconds: 15) { w in
            [try w.write("write.sql", "INSERT INTO customers (name) VALUES ('Eve');"), "--db", w.db]
        }
        try check(badCase)
    }

    @Test func timeoutEndsTheWaitForALock() throws {
        let badCase = BadInputCase("--timeout while waiting for a lock", exit: 1,
                                   message: { "\($0.path("write.sql")):1: q1: timed out after 300ms, interrupted" }, maxSeconds: 3) { w in
            [try w.write("write.sql", "INSERT INTO customers (name) VALUES ('Eve');"), "--db", w.db, "--timeout", "300ms"]
        }
        try check(badCase)
    }

    @Test func readersGoOnWhileAWriterHoldsItsReservedLock() throws {
        let badCase = BadInputCase("read while another writer holds the lock", exit: 0, message: { _ in "" }, stdout: "n\n4\n") { w in
            [try w.write("read.sql", "SELECT count(*) AS n FROM customers;"), "--db", w.db, "--format", "csv"]
        }
        try check(badCase)
    }

    @Test func exclusiveLockMeansTheDatabaseCannotBeOpened() throws {
        let badCase = BadInputCase("open while another process holds an exclusive lock", exit: 3,
                                   message: { "qgather: \($0.db): database is locked" }, maxSeconds: 15) { w in
            [try w.write("read.sql", "SELECT count(*) FROM customers;"), "--db", w.db]
        }
        try check(badCase, exclusive: true)
    }

    @Test func sigintEndsTheWaitForALockAndExits130() throws {
        let workspace = try BadInputWorkspace()
        let batch = try workspace.write("write.sql", "INSERT INTO customers (name) VALUES ('Eve');")
        let holder = try HeldSession.sqliteWriter(workspace.db)
        defer { holder.stop() }
        let before = DirectorySnapshot(workspace.root)
        let started = Date()
        let (process, out, err) = try CLIRunner.start([batch, "--db", workspace.db])
        // Once a connection thread exists the batch starts at once; then it waits for the lock.
        let threads = "/proc/\(process.processIdentifier)/task"
        for _ in 0..<200 {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: threads)) ?? []).compactMap {
                try? String(contentsOfFile: "\(threads)/\($0)/comm", encoding: .utf8)
            }
            if names.contains(where: { $0.hasPrefix("qg-sqlite-") }) { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Thread.sleep(forTimeInterval: 0.5)
        kill(process.processIdentifier, SIGINT)
        let signalled = Date()
        let result = CLIRunner.finish(process, out, err, started: started, timeout: 20)
        #expect(result.status == 130, "\(result.stderr)")
        #expect(Date().timeIntervalSince(signalled) < 1.5, "exit took \(Date().timeIntervalSince(signalled)) s after SIGINT")
        #expect(result.stderr == "qgather: interrupted: 1 of 1 queries cancelled\n")
        #expect(DirectorySnapshot(workspace.root) == before)
    }
}
