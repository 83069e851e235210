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

    /// Refuses what cannot run as asked, before anything runs: session statements in a parallel
    /// batch, placeholders without a value. Warns about unused parameters.
    private func checkBatch(_ batch: inout Batch, dialect: SQLDialect) throws {
        if !options.serial {
            for query in batch.queries {
                if let statement = StatementKind.sessionStatement(query.sql, dialect: dialect) {
                    StandardError.fail("\(query.file):\(query.line): \(query.name): \(statement) would apply to one random connection of a parallel batch; "
                        + "use --init for per-connection settings or --serial to run the file in order on one connection")
                    throw ExitStatus.usage
                }
            }
        }
        do {
            let unused = try batch.bind(ParameterArguments.values(options.params, dialect: dialect), dialect: dialect)
            for name in unused.sorted() { StandardError.fail("warning: --param \(name) is not used by any query") }
        } catch {
            StandardError.fail(error.description)
            throw ExitStatus.usage
        }
    }

    func run() async throws {
        let gatherOptions = options.gatherOptions(defaultJobs: target.target.defaultJobs)
        let database: Database
        do {
            database = try DatabaseFactory.make(target.target, poolSize: options.poolSize ?? gatherOptions.jobs, readOnly: options.readOnly,
                                                initSQL: options.initSQL)
        } catch {
            StandardError.fail(error.description)
            throw ExitStatus.cannotOpen
        }
        var batch: Batch
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
        try checkBatch(&batch, dialect: database.dialect)
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
