/// The SQL dialect a script is lexed in; it follows the target database.
public enum SQLDialect: String, Sendable, Hashable {
    /// SQLite: backtick and `[ident]` quoting, `CREATE TRIGGER ... BEGIN ... END`, flat `/* */` comments.
    case sqlite
    /// PostgreSQL: `E'...'` strings, `$tag$...$tag$` dollar quotes, `BEGIN ATOMIC ... END`, nested `/* */` comments.
    case postgres
}
