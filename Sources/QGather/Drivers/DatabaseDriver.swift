/// Opens connections to one database.
package protocol DatabaseDriver: Sendable {
    /// The dialect scripts for this database are split in.
    var dialect: SQLDialect { get }
    /// A description of the target for messages, with any password masked.
    var displayName: String { get }
    /// Opens a new connection.
    func connect() async throws(DatabaseOpenError) -> any DatabaseConnection

    /// A driver for the same database whose connections run `setup` after connecting and treat
    /// transactions between queries as `mode` says (serial runs, snapshot sessions).
    func sessionDriver(_ mode: SessionMode, setup: [String]) -> any DatabaseDriver
}
