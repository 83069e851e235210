import ArgumentParser
import Logging
import QGather

/// Where a batch runs: SQLite files (`--db`), PostgreSQL servers (`--pg`), a `--targets` file,
/// or several of them at once.
struct TargetOptions: ParsableArguments {
    @Option(name: .long, parsing: .upToNextOption,
            help: ArgumentHelp("SQLite database file(s), ':memory:' or a 'file:' URI; several after one --db, or repeated. A postgresql:// URI selects PostgreSQL.",
                               valueName: "path"),
            completion: .file())
    var db: [String] = []

    @Option(name: .long, help: ArgumentHelp("PostgreSQL: a conninfo ('host=... dbname=...') or postgresql:// URI; alone, libpq's defaults and PG* variables. Repeatable.",
                                            valueName: "conninfo"))
    var pg: [String] = []

    @Option(name: .long, help: ArgumentHelp("File of targets, one per line: [LABEL] PATH|CONNINFO|URI; '#' comments.", valueName: "file"),
            completion: .file())
    var targets: String?

    @Option(name: .long, help: ArgumentHelp("Log connections, queries, retries and cancels to stderr at this level and above: trace (adds each query's SQL), debug, info, warning, error. Off by default.",
                                            valueName: "level"))
    var logLevel: Logger.Level?

    func validate() throws {
        if db.contains(where: \.isEmpty) { throw ValidationError("--db needs a path") }
    }

    /// Throws unless a database was given (every command but `run --list` needs one).
    func requireTarget() throws {
        if db.isEmpty && pg.isEmpty && targets == nil {
            throw ValidationError("no database: give --db PATH (SQLite) or --pg [CONNINFO] (PostgreSQL), or --targets FILE")
        }
    }

    /// The dialect statements are split in for `--list`: PostgreSQL's when the first target is
    /// PostgreSQL, else SQLite's (also when no database is given).
    var dialect: SQLDialect {
        if let first = db.first { return Target.classify(first).dialect }
        return pg.isEmpty ? .sqlite : .postgres
    }

    /// A database target.
    enum Target: Equatable {
        case sqlite(String)
        case postgres(String)

        /// A `--db` value or a line of a targets file: a `postgres://`/`postgresql://` URI or a
        /// conninfo (`KEY=VALUE ...`, when `conninfoAllowed`) is PostgreSQL; anything else a SQLite path.
        static func classify(_ text: String, conninfoAllowed: Bool = false) -> Target {
            if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") { return .postgres(text) }
            if conninfoAllowed, ArgumentRewriter.looksLikeConninfo(text), !text.hasPrefix("file:") { return .postgres(text) }
            return .sqlite(text)
        }

        /// The dialect of this target.
        var dialect: SQLDialect {
            switch self {
            case .sqlite: return .sqlite
            case .postgres: return .postgres
            }
        }

        /// Queries in flight by default: the library's one default pool size rule.
        var defaultJobs: Int { Database.defaultMaxConnections(for: dialect) }
    }
}
