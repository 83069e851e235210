/// `-c SQL` / `--command SQL`: SQL given on the command line, in argument order with the files.
/// `ArgumentRewriter` turns each into a positional argument marked so that no path can be
/// taken for it, and the run reads it as a script named `<command N>`.
enum CommandArgument {
    /// What marks a positional argument as `-c`'s SQL (a path never starts with U+0001).
    static let marker = "\u{1}qgather-command\u{1}"

    /// The positional argument standing for `sql`.
    static func encode(_ sql: String) -> String { marker + sql }

    /// The SQL a positional argument stands for, or nil for a file.
    static func decode(_ argument: String) -> String? {
        argument.hasPrefix(marker) ? String(argument.dropFirst(marker.count)) : nil
    }

    /// The name `-c`'s Nth SQL goes by in messages and listings (`<command 1>:1: q1: ...`).
    static func name(_ number: Int) -> String { "<command \(number)>" }
}
