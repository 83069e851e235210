import ArgumentParser
import Foundation
import QGather

/// `qgather FILE... --db PATH`: runs the statements of the files concurrently and prints the
/// results in file order.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the statements of SQL files concurrently; print results in file order.",
        discussion: """
        Examples:
          qgather SampleData/dashboard.sql --db SampleData/sample.db
          qgather report.sql --db shop.db --jobs 4 --format csv > report.csv
          qgather checks.sql --db shop.db --keep-going --timeout 30s --timing
          qgather a.sql b.sql --pg 'host=/tmp dbname=shop' --format json
          cat batch.sql | qgather - --pg postgresql://me@localhost/shop

        Each statement is one query, named by a '-- name: NAME' comment directly above it.
        Exit codes: 0 all succeeded, 1 a query failed or was cancelled, 2 bad usage or input,
        3 database cannot be opened, 130 interrupted (SIGINT), 143 terminated (SIGTERM).
        """
    )

    @Argument(help: ArgumentHelp("SQL files to run as one batch, in order ('-' reads standard input).", valueName: "file"))
    var files: [String] = []

    @OptionGroup var target: TargetOptions
    @OptionGroup var options: RunOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("no SQL file given (use '-' to read standard input)") }
    }

    func run() async throws {
        let gatherOptions = options.gatherOptions(defaultJobs: target.target.defaultJobs)
        let database: Database
        do {
            database = try DatabaseFactory.make(target.target, poolSize: options.poolSize ?? gatherOptions.jobs)
        } catch {
            StandardError.fail(error.description)
            throw ExitStatus.cannotOpen
        }
        let batch: Batch
        do {
            batch = try ScriptLoader.loadBatch(paths: files, dialect: database.dialect)
        } catch {
            StandardError.fail(error.description)
            throw ExitStatus.usage
        }
        if batch.count == 0 {
            StandardError.fail("\(files.joined(separator: ", ")): no SQL statements to run")
            throw ExitStatus.usage
        }
        do {
            try await database.validate()
        } catch {
            StandardError.fail(error.description)
            await database.close()
            throw ExitStatus.cannotOpen
        }
        let status = await BatchPrinter(format: options.format, timing: options.timing).run(batch, on: database, options: gatherOptions)
        await database.close()
        if status != ExitStatus.ok { throw status }
    }
}
