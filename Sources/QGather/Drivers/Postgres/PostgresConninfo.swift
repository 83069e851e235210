import Foundation
import QGatherCLibPQ

/// A parsed libpq conninfo (keyword/value string or `postgresql://` URI), with the password
/// kept out of every rendering.
struct PostgresConninfo: Sendable {
    /// The keyword/value pairs the user set (libpq's parse), password included.
    let options: [(keyword: String, value: String)]
    /// The password, if one was given, so it can be scrubbed from any message.
    let password: String?

    /// Parses `text`; the empty string means libpq's defaults and the PG* environment.
    init(_ text: String) throws(DatabaseOpenError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let parsed = PQconninfoParse(text, &errorMessage) else {
            var reason = PostgresConninfo.oneLine(errorMessage.map { String(cString: $0) } ?? "invalid connection string")
            if let errorMessage { PQfreemem(errorMessage) }
            // libpq quotes the offending text, which may be the whole URI or the password itself.
            for secret in PostgresConninfo.passwordCandidates(in: text) { reason = reason.replacingOccurrences(of: secret, with: "***") }
            throw DatabaseOpenError(target: "postgresql", message: "bad connection string: " + reason)
        }
        defer { PQconninfoFree(parsed) }
        var options: [(String, String)] = []
        var password: String?
        var option = parsed
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                let key = String(cString: keyword)
                let text = String(cString: value)
                options.append((key, text))
                if key == "password" { password = text }
            }
            option += 1
        }
        self.options = options
        self.password = password ?? ProcessInfo.processInfo.environment["PGPASSWORD"]
    }

    /// The value set for `keyword`, if any.
    func value(_ keyword: String) -> String? {
        options.first { $0.keyword == keyword }?.value
    }

    /// A description for messages: host, port, database and user, never the password.
    var displayName: String {
        let environment = ProcessInfo.processInfo.environment
        var parts: [String] = []
        for (keyword, variable) in [("host", "PGHOST"), ("port", "PGPORT"), ("dbname", "PGDATABASE"), ("user", "PGUSER")] {
            if let value = value(keyword) ?? environment[variable], !value.isEmpty { parts.append("\(keyword)=\(value)") }
        }
        return parts.isEmpty ? "postgresql (libpq defaults)" : "postgresql " + parts.joined(separator: " ")
    }

    /// `host:port/dbname` (defaults as libpq takes them: `PG*` variables, the local socket,
    /// 5432, the user name), for a fan-out's `target` column; never the password.
    var label: String {
        let environment = ProcessInfo.processInfo.environment
        func setting(_ keyword: String, _ variable: String) -> String? {
            (value(keyword) ?? environment[variable]).flatMap { $0.isEmpty ? nil : $0 }
        }
        let host = setting("host", "PGHOST") ?? setting("hostaddr", "PGHOSTADDR") ?? "localhost"
        let port = setting("port", "PGPORT") ?? "5432"
        let user = setting("user", "PGUSER") ?? NSUserName()
        return "\(host):\(port)/\(setting("dbname", "PGDATABASE") ?? user)"
    }

    /// Keywords and values to connect with: the user's, plus `application_name=qgather` and a
    /// 10 s connect timeout unless the user (or PGAPPNAME / PGCONNECT_TIMEOUT) set them.
    var connectParameters: [(keyword: String, value: String)] {
        let environment = ProcessInfo.processInfo.environment
        var result = options
        if value("application_name") == nil && environment["PGAPPNAME"] == nil { result.append(("application_name", "qgather")) }
        if value("connect_timeout") == nil && environment["PGCONNECT_TIMEOUT"] == nil { result.append(("connect_timeout", "10")) }
        return result
    }

    /// `message` on one line with the password (if any) replaced by `***`.
    func scrub(_ message: String) -> String {
        var text = PostgresConninfo.oneLine(message)
        if let password, !password.isEmpty { text = text.replacingOccurrences(of: password, with: "***") }
        return text
    }

    /// What may be a password in a conninfo libpq could not parse: the text after `user:` in a
    /// URI's user info, and the value after `password=` (quoted or not, terminated or not).
    /// Longest first, so a password is masked whole before any part of it.
    static func passwordCandidates(in text: String) -> [String] {
        var candidates: [String] = []
        if let scheme = text.range(of: "://") {
            let rest = text[scheme.upperBound...]
            let authority = rest.prefix { $0 != "/" && $0 != "?" }
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                candidates.append(String(authority[authority.index(after: colon)..<at]))
            }
        }
        var search = text[...]
        while let key = search.range(of: "password", options: .caseInsensitive) {
            var value = search[key.upperBound...].drop { $0 == " " || $0 == "=" }
            if value.first == "'" {
                value = value.dropFirst()
                candidates.append(String(value.prefix { $0 != "'" }))
            } else {
                candidates.append(String(value.prefix { !$0.isWhitespace && $0 != "&" }))
            }
            search = search[key.upperBound...]
        }
        return candidates.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
    }

    static func oneLine(_ message: String) -> String {
        message.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
    }
}
