import QGather

/// `--param NAME=VALUE` values, typed for the target database.
enum ParameterArguments {
    /// Splits `NAME=VALUE`; nil when malformed.
    static func parse(_ argument: String) -> (name: String, value: String)? {
        guard let equals = argument.firstIndex(of: "=") else { return nil }
        let name = String(argument[..<equals])
        guard let first = name.unicodeScalars.first, first.isASCII, first == "_" || first.properties.isAlphabetic,
              name.unicodeScalars.allSatisfy({ $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0)) })
        else { return nil }
        return (name, String(argument[argument.index(after: equals)...]))
    }

    /// The values to bind. `\N` is NULL. For SQLite, integers and decimals bind as numbers (SQLite
    /// has no declared parameter types); PostgreSQL receives text of unknown type, which the server
    /// converts to the type the placeholder's context expects.
    static func values(_ arguments: [String], dialect: SQLDialect) -> [String: Value] {
        var values: [String: Value] = [:]
        for argument in arguments {
            guard let (name, text) = parse(argument) else { continue }
            values[name] = value(text, dialect: dialect)
        }
        return values
    }

    static func value(_ text: String, dialect: SQLDialect) -> Value {
        if text == "\\N" { return .null }
        guard dialect == .sqlite else { return .text(text) }
        if let integer = Int64(text), String(integer) == text { return .integer(integer) }
        let isDecimal = text.range(of: #"^-?[0-9]+\.[0-9]+$"#, options: .regularExpression) != nil
        if isDecimal, let real = Double(text) { return .real(real) }
        return .text(text)
    }
}
