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
          Run a batch (psql-style tables; a progress line on stderr meanwhile):
            qgather SampleData/dashboard.sql --db SampleData/sample.db
          See which statements a file holds, without opening a database:
            qgather --list SampleData/dashboard.sql
          CSV for a spreadsheet, 4 queries at a time, no progress line:
            qgather report.sql --db shop.db --jobs 4 --format csv --quiet > out.csv
          One file per query plus summary.json (--force overwrites):
            qgather report.sql --db shop.db --out-dir reports --format csv
          Markdown for a wiki page or pull request, NULL shown as NULL:
            qgather report.sql --db shop.db --format markdown --null NULL
          Rows only, for scripts:
            qgather ids.sql --db shop.db --format csv --no-header
          Where the time went (table, timeline chart; raw numbers as JSON):
            qgather report.sql --db shop.db --timing --timing-json timings.json
          Run every check even if one fails; stop slow ones:
            qgather checks.sql --db shop.db --keep-going --timeout 30s
          PostgreSQL, JSON out; standard input as the batch:
            qgather a.sql b.sql --pg 'host=/tmp dbname=shop' --format json
            cat batch.sql | qgather - --pg postgresql://me@localhost/shop

        Each statement is one query, named by a '-- name: NAME' comment
        directly above it.

        Exit codes: 0 all succeeded, 1 a query failed or was cancelled,
        2 bad usage or input, 3 database cannot be opened, 4 results
        could not be written (stdout or a file; the queries are cancelled),
        130 interrupted (SIGINT), 143 terminated (SIGTERM); a closed
        standard output (| head) cancels the queries, then ends by SIGPIPE.
        """
    )

    @Argument(help: ArgumentHelp("SQL files to run as one batch, in order ('-' reads standard input).", valueName: "file"),
              completion: .file(extensions: ["sql"]))
    var files: [String] = []

    @Flag(name: .long, help: "List the statements (index, name, file:line, first line) and exit; opens no database. Split as SQLite unless --pg is given.")
    var list = false

    @OptionGroup(title: "Database") var target: TargetOptions
    @OptionGroup(title: "Execution") var options: RunOptions
    @OptionGroup(title: "Output") var output: OutputOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("no SQL file given (use '-' to read standard input)") }
        if !list { try target.requireTarget() }
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
        if list { return try listStatements() }
        let gatherOptions = options.gatherOptions(defaultJobs: target.target.defaultJobs)
        let database: Database
        do {
            database = try DatabaseFactory.make(target.target, poolSize: options.poolSize ?? gatherOptions.jobs, readOnly: options.readOnly,
                                                initSQL: options.initSQL)
        } catch {
            StandardError.fail(error.description)
            throw ExitStatus.cannotOpen
        }
        let scripts = try readScripts()
        let dialect = database.dialect
        let assumedStrings = initialStandardConformingStrings(dialect: dialect)
        // A script that does not split as --init suggests may still split as the server reads
        // strings (a setting of the database or role): then the connection decides.
        let firstSplit = Result { () throws(ScriptError) in
            try ScriptLoader.split(scripts, dialect: dialect, standardConformingStrings: assumedStrings)
        }
        if case .failure(let error) = firstSplit, dialect != .postgres { throw usageFailure(error) }
        var batch = try? firstSplit.get()
        var sink: (any OutcomeSink)?
        if var parsed = batch {
            try requireStatements(in: parsed)
            try checkBatch(&parsed, dialect: dialect)
            batch = parsed
            sink = try prepareSink(for: parsed)
        }
        let reportedStrings: Bool
        do {
            try await database.validate()
            reportedStrings = try await database.standardConformingStrings()
        } catch {
            await database.close()
            if case .failure(let splitError) = firstSplit { throw usageFailure(splitError) }
            StandardError.fail(error.description)
            throw ExitStatus.cannotOpen
        }
        if batch == nil || reportedStrings != assumedStrings {
            // Split as the server will read '...' strings.
            var parsed: Batch
            do {
                parsed = try splitBatch(scripts, dialect: dialect, standardConformingStrings: reportedStrings)
                try checkBatch(&parsed, dialect: dialect)
                sink = try prepareSink(for: parsed)
            } catch {
                await database.close()
                throw error
            }
            batch = parsed
        }
        guard let batch, let sink else { preconditionFailure("a batch and its sink are ready once the split succeeded") }
        let printer = BatchRunner(progress: !output.quiet && Terminal(descriptor: 2).isTerminal,
                                   timing: output.timing, timingJSON: output.timingJson)
        let status = await printer.run(batch, on: database, options: gatherOptions, into: sink)
        await database.close()
        if status == ExitStatus.stdoutClosed { ExitStatus.stopBySIGPIPE() }
        if status != ExitStatus.ok { throw status }
    }

    /// Where the outcomes go: `--out-dir` (its files checked now) or standard output.
    private func prepareSink(for batch: Batch) throws -> any OutcomeSink {
        guard let outDir = output.outDir else { return StdoutSink(formatter: output.format.makeFormatter(output.formatOptions)) }
        do {
            return try OutDirWriter.prepare(batch: batch, directory: outDir, format: output.format,
                                            options: output.formatOptions, force: output.force)
        } catch {
            StandardError.fail(error.description)
            throw ExitStatus.usage
        }
    }

    /// PostgreSQL: `standard_conforming_strings` as the `--init` statements leave it (the server
    /// default is on); the server's own report after connecting has the last word.
    private func initialStandardConformingStrings(dialect: SQLDialect) -> Bool {
        dialect == .postgres ? ScriptSplitter.standardConformingStrings(after: options.initSQL) ?? true : true
    }

    /// `--list`: prints the statements; no database is opened.
    private func listStatements() throws {
        let dialect = target.dialect
        let batch = try splitBatch(readScripts(), dialect: dialect, standardConformingStrings: initialStandardConformingStrings(dialect: dialect))
        let output = OutputWriter()
        output.write(StatementLister.render(batch))
        output.flush()
        if let failure = output.failure {
            if failure == EPIPE { ExitStatus.stopBySIGPIPE() }
            StandardError.fail(OutputError(path: OutputError.standardOutput, errno: failure).description)
            throw ExitStatus.outputFailed
        }
    }

    /// The files' texts; exits 2 if one cannot be read.
    private func readScripts() throws -> [(path: String, text: String)] {
        do {
            return try ScriptLoader.readScripts(paths: files)
        } catch {
            StandardError.fail(error.description)
            throw ExitStatus.usage
        }
    }

    /// Reports an unsplittable file; the run exits 2.
    private func usageFailure(_ error: ScriptError) -> ExitCode {
        StandardError.fail(error.description)
        return ExitStatus.usage
    }

    /// The batch of the files, split in `dialect`; exits 2 if a file is unsplittable or empty.
    private func splitBatch(_ scripts: [(path: String, text: String)], dialect: SQLDialect, standardConformingStrings: Bool) throws -> Batch {
        let batch: Batch
        do {
            batch = try ScriptLoader.split(scripts, dialect: dialect, standardConformingStrings: standardConformingStrings)
        } catch {
            throw usageFailure(error)
        }
        try requireStatements(in: batch)
        return batch
    }

    /// Exits 2 when the files hold no statement.
    private func requireStatements(in batch: Batch) throws {
        if batch.count == 0 {
            StandardError.fail("\(files.joined(separator: ", ")): no SQL statements to run")
            throw ExitStatus.usage
        }
    }
}
