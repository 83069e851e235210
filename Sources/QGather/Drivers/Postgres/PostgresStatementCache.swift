/// The named prepared statements of one PostgreSQL connection, for query texts a batch repeats
/// (the same report query for each of 500 customers, say): the server then parses and plans a
/// text once per connection instead of once per query.
///
/// A text goes unnamed the first time a connection sees it and is prepared the second time.
/// Used only on the connection's own thread, hence unchecked `Sendable`.
final class PostgresStatementCache: @unchecked Sendable {
    /// How a query's SQL is sent.
    enum Plan: Equatable {
        /// As an unnamed statement (`PQsendQueryParams`).
        case unnamed
        /// Prepared now under this name (`PQsendPrepare`), then executed.
        case prepare(String)
        /// Executed by this name, prepared earlier on this connection.
        case reuse(String)
    }

    /// Most statements kept prepared on one connection.
    static let capacity = 256
    /// Most texts remembered as seen once (a batch of distinct texts fills it, and then it stops
    /// growing: a long run's memory stays flat).
    static let seenCapacity = 1024

    private var names: [String: String] = [:]
    private var seen: Set<String> = []
    private var counter = 0

    /// How to send `sql` now (and records that it was sent).
    func plan(for sql: String) -> Plan {
        if let name = names[sql] { return .reuse(name) }
        if Self.mentionsRelativeTime(sql) { return .unnamed }
        if seen.contains(sql), names.count < Self.capacity {
            counter += 1
            let name = "qgather_\(counter)"
            names[sql] = name
            return .prepare(name)
        }
        if seen.count < Self.seenCapacity { seen.insert(sql) }
        return .unnamed
    }

    /// Whether `sql` mentions `now`, `today`, `tomorrow` or `yesterday` (any case, anywhere):
    /// PostgreSQL reads such a date/time input (`'now'::timestamptz`) once, when it parses, so a
    /// prepared statement would keep answering with its first execution's time. A text that
    /// merely contains the letters (`now()`, a column `known`) only loses the preparation.
    static func mentionsRelativeTime(_ sql: String) -> Bool {
        let bytes = Array(sql.utf8)
        for word in relativeTimeWords where bytes.count >= word.count {
            for start in 0...(bytes.count - word.count) {
                var match = true
                for (offset, letter) in word.enumerated() where bytes[start + offset] | 0x20 != letter {
                    match = false
                    break
                }
                if match { return true }
            }
        }
        return false
    }

    private static let relativeTimeWords = ["now", "today", "tomorrow", "yesterday"].map { Array($0.utf8) }

    /// Stops using the statement for `sql` (its preparation failed, or its cached plan no longer fits).
    func forget(_ sql: String) {
        names[sql] = nil
    }
}
