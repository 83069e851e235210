import Foundation

/// Sorts the command line's databases from its SQL files and lists the run's targets.
///
/// The rule that tells them apart is SQLite's file header, never the name. Every value after
/// `--db` (up to the next option) is a database, except when no SQL file comes before `--db`
/// (`qgather --db a.db b.db checks.sql`): then an existing file among them that does not start
/// with `SQLite format 3` is a SQL file of the batch. A SQL file argument that starts with the
/// header is refused (it is a database: give it after `--db`), so a database is never read as
/// SQL; a file after `--db` that is not a database fails to open, naming it, and is never changed.
enum TargetResolver {
    /// The targets, in order (`--targets` file lines, then `--db` values, then `--pg` values),
    /// and the SQL files.
    struct Resolved {
        var targets: [LabelledTarget]
        var files: [String]
    }

    /// Why the arguments cannot run; exit 2.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The targets and SQL files of `options` and the positional `files`.
    /// `takesSQLFiles`: false for a command without SQL files (`migrate`): every `--db` value is a database.
    static func resolve(_ options: TargetOptions, files: [String], takesSQLFiles: Bool = true) throws(Failure) -> Resolved {
        var sqlFiles = files
        var targets: [LabelledTarget] = []
        if let path = options.targets {
            do {
                targets += try TargetsFile.read(path)
            } catch {
                throw Failure(description: error.description)
            }
        }
        let sqlFilesMayFollowDb = takesSQLFiles && files.isEmpty
        for value in options.db {
            if sqlFilesMayFollowDb, isSQLFile(value) {
                sqlFiles.append(value)
            } else {
                targets.append(LabelledTarget(givenLabel: nil, target: .classify(value)))
            }
        }
        targets += options.pg.map { LabelledTarget(givenLabel: nil, target: .postgres($0)) }
        for file in sqlFiles where hasSQLiteHeader(file) {
            throw Failure(description: "\(file) is a SQLite database, not a SQL file: give it after --db")
        }
        if targets.isEmpty { throw Failure(description: "no database: give --db PATH (SQLite) or --pg [CONNINFO] (PostgreSQL), or --targets FILE") }
        return Resolved(targets: targets, files: sqlFiles)
    }

    /// An existing regular file that is not empty and does not start with SQLite's header.
    static func isSQLFile(_ path: String) -> Bool {
        guard let header = readHeader(path) else { return false }
        return !header.isEmpty && !header.starts(with: sqliteHeader)
    }

    /// An existing regular file that starts with SQLite's header.
    static func hasSQLiteHeader(_ path: String) -> Bool {
        guard path != "-", let header = readHeader(path) else { return false }
        return header.starts(with: sqliteHeader)
    }

    /// The 16 bytes every SQLite database file starts with.
    static let sqliteHeader = Array("SQLite format 3\0".utf8)

    /// The first 16 bytes of a regular file (fewer if it is shorter); nil if it is not one.
    private static func readHeader(_ path: String) -> [UInt8]? {
        var status = stat()
        guard stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: 16) else { return nil }
        return Array(data)
    }
}
