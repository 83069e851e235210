import ArgumentParser
import Foundation
import QGather

/// The `qgather` command: runs SQL batches concurrently (default), or applies migrations.
struct QGatherCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qgather",
        abstract: "Run many SQL queries at once on SQLite or PostgreSQL; results in file order.",
        discussion: """
        Examples:
          qgather SampleData/dashboard.sql --db SampleData/sample.db --timing
          qgather --list SampleData/dashboard.sql
          qgather report.sql --db shop.db --jobs 4 --format csv > report.csv
          qgather report.sql --db shop.db --out-dir reports --format markdown
          qgather checks.sql --db shop.db --keep-going --timeout 30s
          qgather report.sql --pg 'host=/var/run/postgresql dbname=shop'
          qgather migrate --db shop.db --dir Migrations

        Run 'qgather help run' for every option of a batch run.
        Shell completions: qgather --generate-completion-script bash|zsh|fish
        (see README for where to put the script).

        Exit codes: 0 ok, 1 a query failed, 2 bad usage or input,
        3 database cannot be opened, 4 results could not be written,
        130 interrupted (SIGINT), 143 terminated (SIGTERM); a closed
        standard output ends it by SIGPIPE (141) after cancelling.
        """,
        version: "qgather 0.1.0",
        subcommands: [RunCommand.self, MigrateCommand.self],
        defaultSubcommand: RunCommand.self
    )
}

/// Entry point: parses arguments and maps every failure to a documented exit code
/// (usage errors exit 2, not the argument parser's 64).
@main
enum QGatherMain {
    static func main() async {
        // A failed write is an error to report (and a closed pipe a reason to cancel the queries
        // in the database first), not a signal that kills the process on the spot.
        signal(SIGPIPE, SIG_IGN)
        signal(SIGXFSZ, SIG_IGN)
        let arguments = ArgumentRewriter.rewrite(Array(CommandLine.arguments.dropFirst()))
        // SQLite's heap limits (`PRAGMA soft_heap_limit`/`hard_heap_limit`, through --init) work
        // only with its memory statistics: a run that mentions them keeps them.
        if !arguments.contains(where: { $0.lowercased().contains("heap_limit") }) { SQLiteDriver.disableMemoryStatistics() }
        do {
            var command = try QGatherCommand.parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            let code = QGatherCommand.exitCode(for: error)
            if code == .success {
                print(QGatherCommand.fullMessage(for: error))
                Foundation.exit(0)
            }
            let message = QGatherCommand.message(for: error).replacingOccurrences(of: "Error: ", with: "")
            StandardError.fail(message.split(separator: "\n").joined(separator: " ") + " (see 'qgather --help')")
            Foundation.exit(ExitStatus.usage.rawValue)
        }
    }
}
