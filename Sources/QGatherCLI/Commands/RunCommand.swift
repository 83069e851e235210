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
          Checks (-- expect: no rows above a statement) as a JUnit report for CI:
            qgather checks.sql --db shop.db --keep-going --format junit > report.xml
          One-off SQL, like psql -c (in order with files):
            qgather -c 'SELECT count(*) FROM orders' --db shop.db
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

    @Option(name: [.customShort("c"), .customLong("command")],
            help: ArgumentHelp("SQL to run as part of the batch, in argument order with the files, like psql -c (repeatable).", valueName: "sql"))
    var commands: [String] = []

    @Flag(name: .long, help: "List the statements (index, name, file:line, first line) and exit; opens no database. Split as SQLite unless --pg is given.")
    var list = false

    @OptionGroup(title: "Database") var target: TargetOptions
    @OptionGroup(title: "Execution") var options: RunOptions
    @OptionGroup(title: "Output") var output: OutputOptions

    func validate() throws {
        if files.isEmpty && commands.isEmpty && !target.db.contains(where: TargetResolver.isSQLFile) {
            throw ValidationError("no SQL file given (use '-' to read standard input, or -c SQL)")
        }
        if !list { try target.requireTarget() }
    }

    func run() async throws {
        if list { return try listStatements(files) }
        DatabaseFactory.logToStandardError(at: target.logLevel)
        let resolved: TargetResolver.Resolved
        do {
            resolved = try TargetResolver.resolve(target, files: files)
        } catch {
            throw usageFailure(error.description)
        }
        if resolved.targets.count > 1 {
            let fleet = FleetRun(targets: resolved.targets, scripts: try readScripts(resolved.files), options: options, output: output)
            return try await fleet.run()
        }
        if options.spread { throw usageFailure("--spread needs several targets (copies of one database)") }
        try await runSingle(resolved.targets[0].target, files: resolved.files)
    }

    /// The run on one database: exactly what qgather did before it knew of several.
    private func runSingle(_ target: TargetOptions.Target, files: [String]) async throws {
        let gatherOptions = options.gatherOptions(defaultJobs: target.defaultJobs)
        let database: Database
        do {
            database = try DatabaseFactory.make(target, poolSize: options.poolSize ?? gatherOptions.jobs, readOnly: options.readOnly,
                                                initSQL: options.initSQL)
        } catch {
            StandardError.fail(error.description)
            throw ExitStatus.cannotOpen
        }
        let scripts = try readScripts(files)
        let dialect = database.dialect
        let preparation = BatchPreparation(scripts: scripts, dialect: dialect, options: options, output: output)
        // PostgreSQL reads '...' strings as the session's standard_conforming_strings says: split
        // as --init leaves it, to refuse bad input before connecting, and again as the server
        // reports it (a setting of the database or role) when that differs.
        let assumed = initialStandardConformingStrings(dialect: dialect)
        let guess = preparation.prepare(standardConformingStrings: assumed, onReset: onReset(assumed))
        if case .failure(let failure) = guess, dialect != .postgres { throw usageFailure(failure.message) }
        let reported: Bool
        do {
            try await database.validate()
            reported = try await database.standardConformingStrings()
        } catch {
            await database.close()
            if case .failure(let failure) = guess { throw usageFailure(failure.message) }
            StandardError.fail(error.description)
            throw ExitStatus.cannotOpen
        }
        let final = reported == assumed ? guess : preparation.prepare(standardConformingStrings: reported, onReset: onReset(reported))
        let prepared: BatchPreparation.Prepared
        switch final {
        case .success(let ready): prepared = ready
        case .failure(let failure):
            await database.close()
            throw usageFailure(failure.message)
        }
        prepared.warnings.forEach(StandardError.fail)
        let (batch, sink) = (prepared.batch, prepared.sink)
        var printer = BatchRunner(progress: !output.quiet && Terminal(descriptor: 2).isTerminal,
                                   timing: output.timing, timingJSON: output.timingJson)
        var scheduled = gatherOptions
        if options.schedule == .longestFirst && !options.serial, DurationHistory.defaultURL() != nil {
            let history = HistorySchedule(target: target, queries: batch.queries)
            scheduled.startOrder = history.order
            printer.scheduleNote = history.note
            printer.recordDurations = { history.record($0) }
            printer.keepsDuration = { history.worthRecording(index: $0, duration: $1) }
        }
        let status = await printer.run(batch, on: database, options: scheduled, into: sink)
        await database.close()
        if status == ExitStatus.stdoutClosed { ExitStatus.stopBySIGPIPE() }
        if status != ExitStatus.ok { throw status }
    }

    private func initialStandardConformingStrings(dialect: SQLDialect) -> Bool {
        options.initialStandardConformingStrings(dialect: dialect)
    }

    private func onReset(_ value: Bool) -> Bool? {
        options.standardConformingStringsOnReset(value)
    }

    /// `--list`: prints the statements; no database is opened.
    private func listStatements(_ files: [String]) throws {
        let dialect = target.dialect
        let assumed = initialStandardConformingStrings(dialect: dialect)
        let batch: Batch
        do {
            batch = try ScriptLoader.split(readScripts(files), dialect: dialect, standardConformingStrings: assumed,
                                           standardConformingStringsOnReset: onReset(assumed))
        } catch let error as ScriptError {
            throw usageFailure(error.description)
        }
        if batch.count == 0 { throw usageFailure("\(files.joined(separator: ", ")): no SQL statements to run") }
        let output = OutputWriter()
        StatementLister.write(batch, to: output)
        output.flush()
        if let failure = output.failure {
            if failure == EPIPE { ExitStatus.stopBySIGPIPE() }
            StandardError.fail(OutputError(path: OutputError.standardOutput, errno: failure).description)
            throw ExitStatus.outputFailed
        }
    }

    /// The files' texts; exits 2 if one cannot be read.
    private func readScripts(_ files: [String]) throws -> [ScriptSource] {
        do {
            var scripts: [ScriptSource] = []
            var commandNumber = 0
            for file in files {
                if let sql = CommandArgument.decode(file) {
                    commandNumber += 1
                    scripts.append(ScriptSource(path: CommandArgument.name(commandNumber), text: sql))
                } else {
                    scripts += try ScriptLoader.readSources(paths: [file])
                }
            }
            return scripts
        } catch {
            StandardError.fail(error.description)
            throw ExitStatus.usage
        }
    }

    /// Reports input that cannot run; the run exits 2.
    private func usageFailure(_ message: String) -> ExitCode {
        StandardError.fail(message)
        return ExitStatus.usage
    }
}
