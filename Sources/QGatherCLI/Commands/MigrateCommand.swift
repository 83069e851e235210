import ArgumentParser
import Foundation
import QGather

/// `qgather migrate --db PATH`: applies the versioned SQL files of a directory, in order.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply Migrations/NNNN_name.sql files in order, each in its own transaction.",
        discussion: """
        Examples:
          qgather migrate --db SampleData/sample.db
          qgather migrate --pg 'dbname=shop' --dir Migrations

        Applied migrations are recorded in the table qgather_migrations (version, name, checksum,
        applied_at). Re-running applies only new files; an applied file that changed is refused.
        This is the only command that creates a SQLite database file.
        """
    )

    @OptionGroup var target: TargetOptions

    @Option(name: .long, help: ArgumentHelp("Directory of NNNN_name.sql files.", valueName: "dir"), completion: .directory)
    var dir = "Migrations"

    func validate() throws {
        try target.requireTarget()
    }

    func run() async throws {
        let migrator: Migrator
        do {
            migrator = try Migrator(directory: dir)
        } catch {
            StandardError.fail(error.description)
            throw ExitStatus.usage
        }
        let database: Database
        do {
            database = try DatabaseFactory.make(target.target, poolSize: 1, create: true)
        } catch {
            StandardError.fail(error.description)
            throw ExitStatus.cannotOpen
        }
        do {
            try migrator.checkScripts(dialect: database.dialect)
        } catch {
            StandardError.fail(error.description)
            throw ExitStatus.usage
        }
        do {
            try await database.validate()
        } catch {
            StandardError.fail(error.description)
            await database.close()
            throw ExitStatus.cannotOpen
        }
        let applied: [Migration]
        do {
            applied = try await migrator.migrate(database)
            await database.close()
        } catch {
            await database.close()
            StandardError.fail(error.description)
            throw ExitStatus.queryFailed
        }
        let report = OutputWriter()
        if applied.isEmpty { report.write("Nothing to apply: \(migrator.migrations.count) migration(s) already applied.\n") }
        for migration in applied { report.write("Applied \(migration.fileName)\n") }
        report.flush()
        if let failure = report.failure, failure != EPIPE {
            StandardError.fail(OutputError(path: OutputError.standardOutput, errno: failure).description)
            throw ExitStatus.outputFailed
        }
    }
}
