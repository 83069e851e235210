import Foundation

/// One versioned migration file, `NNNN_description.sql`.
public struct Migration: Sendable, Hashable {
    /// The version number from the file name.
    public var version: Int
    /// The description part of the file name.
    public var name: String
    /// The file name.
    public var fileName: String
    /// The file's SQL.
    public var sql: String
    /// A checksum of the file's bytes (FNV-1a, 64 bits, hex): an applied file that changes is refused.
    public var checksum: String

    /// Creates a migration from a file's name and contents.
    public init(version: Int, name: String, fileName: String, sql: String) {
        self.version = version
        self.name = name
        self.fileName = fileName
        self.sql = sql
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in sql.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        checksum = String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// A migration directory or run that cannot proceed.
public struct MigrationError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, naming the file or migration.
    public var message: String

    /// Creates an error.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
