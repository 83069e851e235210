import ArgumentParser
import Dispatch
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
          qgather report.sql --db shop.db --jobs 4 --format csv > report.csv
          qgather checks.sql --db shop.db --keep-going --timeout 30s
          qgather report.sql --pg 'host=/var/run/postgresql dbname=shop' --format json
          qgather migrate --db shop.db --dir Migrations

        Run 'qgather help run' for every option of a batch run.
        Exit codes: 0 ok, 1 a query failed, 2 bad usage or input, 3 database cannot be opened,
        130 interrupted (SIGINT), 143 terminated (SIGTERM).
        """,
        version: "qgather 0.1.0",
        subcommands: [RunCommand.self, MigrateCommand.self],
        defaultSubcommand: RunCommand.self
    )
}

/// Entry point: parses arguments and maps every failure to a documented exit code
/// (usage errors exit 2, not the argument parser's 64).
///
/// The command runs in a detached task while the main thread waits on a semaphore, rather than
/// in an `async` main: on Linux an `async` main ends in `dispatch_main()`, which exits the main
/// thread with `pthread_exit`, and valgrind (3.19) crashes on that, so `Scripts/leak-check`
/// could not run the binary. Nothing in qgather runs on the main actor.
@main
enum QGatherMain {
    static func main() {
        let arguments = ArgumentRewriter.rewrite(Array(CommandLine.arguments.dropFirst()))
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            await run(arguments)
            done.signal()
        }
        done.wait()
    }

    /// Runs the command; returns on success, exits the process with the right code otherwise.
    static func run(_ arguments: [String]) async {
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
