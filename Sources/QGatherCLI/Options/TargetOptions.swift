import ArgumentParser
import QGather

/// Where a batch runs: `--db PATH` (SQLite) or `--pg [CONNINFO]` (PostgreSQL).
struct TargetOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("SQLite database file, ':memory:' or a 'file:' URI. A postgresql:// URI selects PostgreSQL.", valueName: "path"),
            completion: .file())
    var db: String?

    @Option(name: .long, help: ArgumentHelp("PostgreSQL: a conninfo ('host=... dbname=...') or postgresql:// URI; alone, libpq's defaults and PG* variables.", valueName: "conninfo"))
    var pg: String?

    func validate() throws {
        if db != nil && pg != nil { throw ValidationError("give either --db or --pg, not both") }
        if let db, db.isEmpty { throw ValidationError("--db needs a path") }
    }

    /// Throws unless a database was given (every command but `run --list` needs one).
    func requireTarget() throws {
        if db == nil && pg == nil { throw ValidationError("no database: give --db PATH (SQLite) or --pg [CONNINFO] (PostgreSQL)") }
    }

    /// The dialect statements are split in: PostgreSQL's for `--pg` or a `postgresql://` URI,
    /// else SQLite's (also when no database is given, for `--list`).
    var dialect: SQLDialect {
        switch target {
        case .sqlite: return .sqlite
        case .postgres: return .postgres
        }
    }

    /// The selected target.
    var target: Target {
        if let pg { return .postgres(pg) }
        let path = db ?? ""
        if path.hasPrefix("postgres://") || path.hasPrefix("postgresql://") { return .postgres(path) }
        return .sqlite(path)
    }

    /// A database target.
    enum Target {
        case sqlite(String)
        case postgres(String)

        /// Queries in flight by default: the library's one default pool size rule.
        var defaultJobs: Int {
            switch self {
            case .sqlite: return Database.defaultMaxConnections(for: .sqlite)
            case .postgres: return Database.defaultMaxConnections(for: .postgres)
            }
        }
    }
}
