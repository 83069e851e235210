import Synchronization

/// How an engine renders floating point numbers as text, so output matches its own tools.
public enum RealRendering: Sendable, Hashable {
    /// SQLite's `%!.15g` (what `sqlite3_column_text` returns for a REAL).
    case sqlite
    /// PostgreSQL's shortest round-trip rendering (`float8out` with `extra_float_digits = 1`).
    case postgres
}
