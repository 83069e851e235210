import QGather

/// One row of `example_orders`, decoded by column name.
struct Order: Decodable, Sendable {
    var id: Int
    var customer: String
    var total: Double
}

@main
struct ServiceExample {
    static func main() async throws {
        // SQLite in memory, or PostgreSQL when a conninfo is given: the same code runs on both.
        let arguments = CommandLine.arguments.dropFirst()
        let db = try arguments.first.map { try Database.postgres($0) } ?? Database.sqlite(":memory:")
        try await db.execute("DROP TABLE IF EXISTS example_orders")
        try await db.execute("CREATE TABLE example_orders (id integer PRIMARY KEY, customer text NOT NULL, total real NOT NULL)")

        // One transaction, Swift code between its statements: committed on return, rolled back on a throw.
        let customer = "O'Brien"  // bound as a parameter, never spliced into the SQL
        let count = try await db.withTransaction { tx in
            for (id, total) in [(1, 19.5), (2, 5.25), (3, 42.0)] {
                try await tx.execute("INSERT INTO example_orders VALUES (\(id), \(customer), \(total))")
            }
            return try await tx.execute("SELECT count(*) AS n FROM example_orders").value(Int.self, row: 0, column: "n")
        }

        // Rows decoded as they stream from the driver: memory stays flat however many match.
        let minimum = 10.0
        var sum = 0.0
        for try await order in db.rows("SELECT id, customer, total FROM example_orders WHERE total >= \(minimum) ORDER BY id").decode(Order.self) {
            print("order \(order.id) for \(order.customer): \(order.total)")
            sum += order.total
        }
        print("\(count) orders, \(sum) at or above \(minimum)")
        try await db.execute("DROP TABLE example_orders")
        await db.close()
    }
}
