import ArgumentParser
import QGather

/// `--pg` may stand alone (libpq defaults). The argument parser needs a value, so a bare `--pg`
/// becomes `--pg=` unless the next argument looks like a conninfo or URI.
///
/// `-c SQL` becomes a positional argument (see `CommandArgument`), so that it keeps its place
/// among the SQL files.
///
/// A negative number after a numeric option (`--jobs -1`) would be taken for a flag and reported
/// as a missing value; it is passed as `--jobs=-1` so the range check names it.
enum ArgumentRewriter {
    /// Options whose value is a number or a duration, by every spelling, with their long name.
    static let numericOptions = ["--jobs": "--jobs", "-j": "--jobs", "--pool-size": "--pool-size", "--timeout": "--timeout",
                                  "--per-target": "--per-target"]

    static func rewrite(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var i = 0
        while i < arguments.count {
            let argument = arguments[i]
            if argument == "--" {
                result += arguments[i...]
                break
            }
            // `-c SQL`: a positional argument, so that it keeps its place among the files.
            if argument == "-c" || argument == "--command", i + 1 < arguments.count {
                result.append(CommandArgument.encode(arguments[i + 1]))
                i += 2
                continue
            }
            if argument.hasPrefix("--command=") {
                result.append(CommandArgument.encode(String(argument.dropFirst("--command=".count))))
                i += 1
                continue
            }
            if let long = numericOptions[argument], i + 1 < arguments.count, looksNegative(arguments[i + 1]) {
                result.append("\(long)=\(arguments[i + 1])")
                i += 2
                continue
            }
            if argument == "--pg" {
                let next = i + 1 < arguments.count ? arguments[i + 1] : nil
                if let next, looksLikeConninfo(next) {
                    result += [argument, next]
                    i += 2
                    continue
                }
                result += ["--pg", ""]
            } else {
                result.append(argument)
            }
            i += 1
        }
        return result
    }

    static func looksNegative(_ text: String) -> Bool {
        guard text.hasPrefix("-"), let next = text.dropFirst().first else { return false }
        return next.isASCII && (next.isNumber || next == ".")
    }

    static func looksLikeConninfo(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") || (text.contains("=") && !text.hasPrefix("-"))
    }
}
