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

/// `--pg` may stand alone (libpq defaults). The argument parser needs a value, so a bare `--pg`
/// becomes `--pg=` unless the next argument looks like a conninfo or URI.
///
/// A negative number after a numeric option (`--jobs -1`) would be taken for a flag and reported
/// as a missing value; it is passed as `--jobs=-1` so the range check names it.
enum ArgumentRewriter {
    /// Options whose value is a number or a duration, by every spelling, with their long name.
    static let numericOptions = ["--jobs": "--jobs", "-j": "--jobs", "--pool-size": "--pool-size", "--timeout": "--timeout"]

    static func rewrite(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var i = 0
        while i < arguments.count {
            let argument = arguments[i]
            if let long = numericOptions[argument], i + 1 < arguments.count, looksNegative(arguments[i + 1]) {
                result.append("\(long)=\(arguments[i + 1])")
                i += 2
                continue
            }
            if argument == "--pg" {
                let next = i + 1 < arguments.count ? arguments[i + 1] : nil
                if let next, looksLikeConninfo(next) {
                    result += [argument, next]
                    i += 2
                    continue
                }
                result += ["--pg", ""]
            } else {
                result.append(argument)
            }
            i += 1
        }
        return result
    }

    static func looksNegative(_ text: String) -> Bool {
        guard text.hasPrefix("-"), let next = text.dropFirst().first else { return false }
        return next.isASCII && (next.isNumber || next == ".")
    }

    static func looksLikeConninfo(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") || (text.contains("=") && !text.hasPrefix("-"))
    }
}
