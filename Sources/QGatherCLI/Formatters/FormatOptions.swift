/// Choices that change how values and headers print (`--no-header`, `--null`).
struct FormatOptions: Sendable {
    /// Whether table, csv and markdown print the header row (`--no-header` turns it off).
    var header = true
    /// How NULL prints in table, csv and markdown (`--null`); empty by default, as in psql and sqlite3.
    var null = ""
}
