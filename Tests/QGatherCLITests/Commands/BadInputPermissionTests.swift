import Foundation
import Testing

/// End-to-end: files the user may not read or write. Root reads any file whatever its mode, so
/// when the tests run as root (as in CI) the binary runs as `nobody` through `runuser`; as any
/// other user it runs as that user and `chmod` alone denies access.
///
/// `nobody` may not be able to enter the checkout (under `/root`, or a `mktemp -d` directory) or
/// the temporary directory, so each case runs in a directory of its own under `/tmp`, open to
/// every user, with a copy of the binary.
@Suite struct BadInputPermissionTests {
    /// The user the binary runs as, or nil for the test's own user.
    private static func unprivilegedUser() throws -> String? {
        guard geteuid() == 0 else { return nil }
        try #require(getpwnam("nobody") != nil, "the tests run as root and need the user 'nobody' to test permissions")
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser"), "the tests run as root and need runuser")
        return "nobody"
    }

    /// Copies the binary through a descriptor opened close-on-exec: a child that another test
    /// forks meanwhile must not inherit it open for writing, or exec fails with "Text file busy".
    private static func copyExecutable(from source: String, to destination: String) throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: source))
        let descriptor = open(destination, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        try #require(descriptor >= 0, "cannot create \(destination)")
        defer { close(descriptor) }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        try #require(written == bytes.count, "cannot copy the binary to \(destination)")
    }

    /// Runs `badCase` as the unprivileged user after `prepare` changed modes; checks it like the corpus.
    private func check(_ badCase: BadInputCase, prepare: (BadInputWorkspace) throws -> Void) async throws {
        let user = try Self.unprivilegedUser()
        let shared = URL(fileURLWithPath: "/tmp")
        let sharedMode = try #require(try FileManager.default.attributesOfItem(atPath: shared.path)[.posixPermissions] as? Int)
        try #require(sharedMode & 0o001 != 0, "/tmp must be open to every user for the permission tests")
        let runner = try TemporaryDirectory(parent: shared, permissions: 0o755)
        let binary = runner.path("qgather")
        try Self.copyExecutable(from: CLIRunner.binary, to: binary)
        let workspace = try await BadInputWorkspace(parent: shared)
        let arguments = try await badCase.arguments(workspace)
        try prepare(workspace)
        let before = DirectorySnapshot(workspace.root)
        let result = try await CLIRunner.run(arguments, directory: runner.url, user: user, executable: binary)
        let after = DirectorySnapshot(workspace.root)
        try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: workspace.root)  // so it can be removed
        BadInputCheck.verify(result, badCase, message: badCase.message(workspace))
        #expect(before == after, "\(badCase.name): the workspace changed: \(before.differences(from: after))")
    }

    @Test func unreadableSQLFileExitsTwo() async throws {
        let badCase = BadInputCase("unreadable SQL file", exit: 2, message: { "qgather: \($0.path("secret.sql")): permission denied" }) { w in
            [try w.write("secret.sql", "SELECT 1;"), "--db", w.db]
        }
        try await check(badCase) { w in try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: w.path("secret.sql")) }
    }

    @Test func unreadableDatabaseExitsThree() async throws {
        let badCase = BadInputCase("unreadable database", exit: 3, message: { "qgather: \($0.db): permission denied" }) { w in
            [try w.write("ok.sql", "SELECT 1;"), "--db", w.db]
        }
        try await check(badCase) { w in try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: w.db) }
    }

    @Test func migrateIntoADirectoryTheUserCannotWriteExitsThreeAndCreatesNothing() async throws {
        let badCase = BadInputCase("migrate into a read-only directory", exit: 3,
                                   message: { "qgather: \($0.path("new.db")): cannot create the database file: its directory is not writable" }) { w in
            try FileManager.default.createDirectory(atPath: w.path("m"), withIntermediateDirectories: true)
            try "CREATE TABLE a (x INTEGER);".write(toFile: w.path("m/0001_a.sql"), atomically: true, encoding: .utf8)
            return ["migrate", "--db", w.path("new.db"), "--dir", w.path("m")]
        }
        try await check(badCase) { w in try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: w.root) }
    }

    @Test func writeToADatabaseTheUserCannotWriteExitsOne() async throws {
        let badCase = BadInputCase("database the user cannot write", exit: 1,
                                   message: { "\($0.path("write.sql")):1: q1: attempt to write a readonly database" }) { w in
            [try w.write("write.sql", "DELETE FROM orders;"), "--db", w.db]
        }
        try await check(badCase) { w in
            try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: w.db)
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: w.root)  // no journal either
        }
    }
}
