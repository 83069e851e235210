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
          qgather migrate --db tenants/*.db        (every tenant; one line per target)

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
        DatabaseFactory.logToStandardError(at: target.logLevel)
        let migrator: Migrator
        do {
            migrator = try Migrator(directory: dir)
        } catch {
            StandardError.fail(error.description)
            throw ExitStatus.usage
        }
        let targets: [LabelledTarget]
        do {
            targets = try TargetResolver.resolve(target, files: [], takesSQLFiles: false).targets
        } catch {
            StandardError.fail("\(error)")
            throw ExitStatus.usage
        }
        if targets.count > 1 { return try await migrateAll(targets, migrator: migrator) }
        let database: Database
        do {
            database = try DatabaseFactory.make(targets[0].target, poolSize: 1, create: true)
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
        try finish(report)
    }

    /// Several targets: each migrated in its own transactions, four at a time; one failing does
    /// not stop the others. Reports per target, in target order; exits 0 only if every target
    /// is at the latest version.
    private func migrateAll(_ targets: [LabelledTarget], migrator: Migrator) async throws {
        var databases: [(label: String, database: Database)] = []
        for target in targets {
            do {
                let database = try DatabaseFactory.make(target.target, poolSize: 1, create: true)
                try migrator.checkScripts(dialect: database.dialect)
                databases.append((target.givenLabel ?? database.label, database))
            } catch {
                StandardError.fail((target.origin.map { $0 + ": " } ?? "") + "\(error)")
                throw ExitStatus.usage
            }
        }
        let labels = FleetMember.uniqueLabels(databases.map(\.label))
        let count = migrator.migrations.count
        let results = await withTaskGroup(of: (Int, String, Bool).self) { group in
            var next = 0
            func start() {
                let index = next
                let database = databases[index].database
                next += 1
                group.addTask {
                    defer { Task { await database.close() } }
                    do {
                        try await database.validate()
                        let applied = try await migrator.migrate(database)
                        await database.close()
                        if applied.isEmpty { return (index, "nothing to apply: \(count) migration(s) already applied", true) }
                        return (index, "applied " + applied.map(\.fileName).joined(separator: ", "), true)
                    } catch {
                        await database.close()
                        return (index, "\(error)", false)
                    }
                }
            }
            while next < min(4, databases.count) { start() }
            var results = [(String, Bool)?](repeating: nil, count: databases.count)
            while let (index, text, ok) = await group.next() {
                results[index] = (text, ok)
                if next < databases.count { start() }
            }
            return results.map { $0! }
        }
        let report = OutputWriter()
        var failed = 0
        for (label, (text, ok)) in zip(labels, results) {
            if ok {
                report.write("\(label): \(text)\n")
            } else {
                failed += 1
                StandardError.fail("\(label): \(text)")
            }
        }
        try finish(report)
        if failed > 0 {
            StandardError.fail("qgather: \(failed) of \(databases.count) targets are not at the latest version")
            throw ExitStatus.queryFailed
        }
    }

    /// Flushes the report; a failed write exits 4 (a closed pipe is the reader's choice).
    private func finish(_ report: OutputWriter) throws {
        report.flush()
        if let failure = report.failure, failure != EPIPE {
            StandardError.fail(OutputError(path: OutputError.standardOutput, errno: failure).description)
            throw ExitStatus.outputFailed
        }
    }
}
