import Foundation

/// Parses the timestamp texts SQLite and PostgreSQL produce.
enum TimestampParser {
    static func parse(_ text: String) -> Date? {
        let scalars = Array(text.utf8)
        var i = 0
        func number(_ digits: Int) -> Int? {
            guard i + digits <= scalars.count else { return nil }
            var value = 0
            for _ in 0..<digits {
                let d = Int(scalars[i]) - 48
                guard (0...9).contains(d) else { return nil }
                value = value * 10 + d
                i += 1
            }
            return value
        }
        func skip(_ c: Character) -> Bool {
            if i < scalars.count && scalars[i] == c.asciiValue! { i += 1; return true }
            return false
        }
        guard let year = number(4), skip("-"), let month = number(2), skip("-"), let day = number(2) else { return nil }
        var components = DateComponents(calendar: Calendar(identifier: .gregorian), timeZone: TimeZone(identifier: "UTC"),
                                        year: year, month: month, day: day, hour: 0, minute: 0, second: 0)
        var fraction = 0.0
        if skip(" ") || skip("T") {
            guard let hour = number(2), skip(":"), let minute = number(2), skip(":"), let second = number(2) else { return nil }
            components.hour = hour
            components.minute = minute
            components.second = second
            if skip(".") {
                var scale = 0.1
                while i < scalars.count, (48...57).contains(scalars[i]) {
                    fraction += Double(scalars[i] - 48) * scale
                    scale /= 10
                    i += 1
                }
            }
            if skip("Z") {
            } else if i < scalars.count, scalars[i] == UInt8(ascii: "+") || scalars[i] == UInt8(ascii: "-") {
                let sign = scalars[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
                guard let hours = number(2) else { return nil }
                var minutes = 0
                if skip(":") || (i < scalars.count && (48...57).contains(scalars[i])) { minutes = number(2) ?? 0 }
                components.timeZone = TimeZone(secondsFromGMT: sign * (hours * 3600 + minutes * 60))
            }
        }
        guard i == scalars.count, let date = components.date else { return nil }
        return date.addingTimeInterval(fraction)
    }
}
