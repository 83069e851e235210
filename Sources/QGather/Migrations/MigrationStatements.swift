/// The statements of a migration file, checked before anything runs.
extension Migration {
    /// Splits the file in `dialect`. Refuses a file that cannot be split, and statements that end
    /// or start a transaction (`COMMIT`, `END`, `ROLLBACK`, `BEGIN`, `START TRANSACTION`,
    /// `ABORT`): the migrator runs each file in its own transaction, and a `COMMIT` inside it
    /// would leave the file half-applied when a later statement fails.
    public func statements(dialect: SQLDialect) throws(MigrationError) -> [Query] {
        let statements: [Query]
        do {
            statements = try ScriptSplitter(dialect: dialect).split(sql, file: fileName)
        } catch {
            throw MigrationError(error.description)
        }
        for statement in statements {
            let words = StatementKind.leadingWords(of: statement.sql, dialect: dialect)
            let controlsTransaction = switch words.first {
            case "COMMIT", "END", "ABORT": true
            case "ROLLBACK": words.count < 2 || words[1] != "TO"  // ROLLBACK TO SAVEPOINT stays inside
            case "BEGIN": words.count < 2 || words[1] != "ATOMIC"
            case "START": words.count > 1 && words[1] == "TRANSACTION"
            default: false
            }
            if controlsTransaction {
                throw MigrationError("\(fileName):\(statement.line): \(words[0]) is not allowed in a migration: each file runs in its own transaction")
            }
        }
        return statements
    }
}
