import Foundation
import Testing

/// Small SQLite databases for end-to-end tests, built by `qgather migrate` itself.
enum Fixtures {
    static let shopSQL = """
        CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, city TEXT, note TEXT);
        INSERT INTO customers VALUES (1, 'Ada', 'London', NULL), (2, 'Grace', 'New York', ''),
          (3, 'Linus', 'Helsinki', 'likes "quotes", commas'), (4, 'Zoë', 'Zürich', 'multi
        line');
        CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, total REAL, placed TEXT);
        INSERT INTO orders VALUES (1, 1, 10.5, '2024-01-02'), (2, 1, 0.1, '2024-01-03'), (3, 2, 1e20, '2024-02-01'),
          (4, 3, 7, '2024-02-03');
        """

    /// A fresh database in `directory` holding `sql`, applied with `qgather migrate`.
    static func database(in directory: TemporaryDirectory, sql: String = shopSQL, name: String = "shop.db") async throws -> String {
        let migrations = directory.path("migrations-\(name)")
        try FileManager.default.createDirectory(atPath: migrations, withIntermediateDirectories: true)
        try sql.write(toFile: migrations + "/0001_fixture.sql", atomically: true, encoding: .utf8)
        let db = directory.path(name)
        let result = try await CLIRunner.run(["migrate", "--db", db, "--dir", migrations])
        #expect(result.status == 0, "migrate failed: \(result.stderr)")
        return db
    }

    /// A query that runs for minutes unless interrupted.
    static let runaway = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
}
