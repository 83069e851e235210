import Foundation

/// Applies versioned SQL files in order, each in its own transaction, and records them in
/// `qgather_migrations` (version, name, checksum, applied_at).
///
/// Re-running applies nothing new; an applied migration whose file changed is refused.
/// Versions must run 1, 2, 3, ... without gaps or duplicates.
public struct Migrator: Sendable {
    /// The migrations found, in version order.
    public let migrations: [Migration]

    /// The bookkeeping table.
    public static let table = "qgather_migrations"

    /// Reads `directory`'s `NNNN_name.sql` files (other files are ignored).
    public init(directory: String) throws(MigrationError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw MigrationError("\(directory): no such migrations directory")
        }
        guard isDirectory.boolValue else { throw MigrationError("\(directory): is a file, not a migrations directory") }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".sql") }.sorted()
        } catch {
            throw MigrationError("\(directory): cannot be read")
        }
        var found: [Migration] = []
        for fileName in names {
            let stem = fileName.dropLast(4)
            let digits = stem.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let version = Int(digits), stem.dropFirst(digits.count).first == "_" else {
                throw MigrationError("\(directory)/\(fileName): a migration file must be named NNNN_description.sql")
            }
            let path = (directory as NSString).appendingPathComponent(fileName)
            let sql: String
            do {
                sql = try ScriptLoader.readText(path: path)
            } catch {
                throw MigrationError(error.description)
            }
            found.append(Migration(version: version, name: String(stem.dropFirst(digits.count + 1)), fileName: fileName, sql: sql))
        }
        found.sort { $0.version < $1.version }
        for (i, migration) in found.enumerated() {
            if i > 0 && found[i - 1].version == migration.version {
                throw MigrationError("\(directory): \(found[i - 1].fileName) and \(migration.fileName) have the same version \(migration.version)")
            }
            if migration.version != i + 1 {
                throw MigrationError("\(directory)/\(migration.fileName): expected version \(i + 1) next (versions run 1, 2, 3, ... without gaps)")
            }
        }
        migrations = found
    }

    /// Splits every migration as `dialect` would, so that a file that cannot be split (an
    /// unterminated string, say) or that commits by itself is reported before any database is
    /// opened or created.
    public func checkScripts(dialect: SQLDialect) throws(MigrationError) {
        for migration in migrations { _ = try migration.statements(dialect: dialect) }
    }

    /// Applies the migrations not yet recorded in `database`, in order; returns those applied.
    /// A failing migration is rolled back whole and stops the run.
    public func migrate(_ database: Database) async throws(MigrationError) -> [Migration] {
        let connection: any DatabaseConnection
        do {
            connection = try await database.pool.lease()
        } catch {
            throw MigrationError("\(database.driver.displayName): \(error)")
        }
        defer { database.pool.release(connection) }

        func run(_ sql: String) async throws(MigrationError) -> RowSet {
            do {
                return try await connection.execute(Query(sql, name: Migrator.table), control: QueryControl())
            } catch {
                throw MigrationError(error.description)
            }
        }

        _ = try await run("""
            CREATE TABLE IF NOT EXISTS \(Migrator.table) (version INTEGER PRIMARY KEY, name TEXT NOT NULL, \
            checksum TEXT NOT NULL, applied_at TEXT NOT NULL)
            """)
        let recorded = try await run("SELECT version, name, checksum FROM \(Migrator.table) ORDER BY version")
        var appliedChecksums: [Int: String] = [:]
        for row in recorded.rows {
            guard case .integer(let version) = row[0], case .text(let checksum) = row[2] else { continue }
            appliedChecksums[Int(version)] = checksum
        }
        for (version, checksum) in appliedChecksums {
            guard let migration = migrations.first(where: { $0.version == version }) else {
                throw MigrationError("migration version \(version) is recorded as applied but its file is missing")
            }
            if migration.checksum != checksum {
                throw MigrationError("\(migration.fileName) was changed after it was applied (checksum \(checksum), file now \(migration.checksum)); write a new migration instead")
            }
        }

        var applied: [Migration] = []
        for migration in migrations where appliedChecksums[migration.version] == nil {
            let statements = try migration.statements(dialect: database.dialect)
            let quotedName = migration.name.replacingOccurrences(of: "'", with: "''")
            let record = Query("""
                INSERT INTO \(Migrator.table) (version, name, checksum, applied_at) \
                VALUES (\(migration.version), '\(quotedName)', '\(migration.checksum)', CAST(CURRENT_TIMESTAMP AS TEXT))
                """, name: Migrator.table)
            do {
                _ = try await connection.executeInTransaction(statements + [record])
            } catch {
                // A failed COMMIT belongs to no statement: name the file.
                throw MigrationError(error.query == nil ? "\(migration.fileName): \(error.description)" : error.description)
            }
            applied.append(migration)
        }
        return applied
    }
}
