/// A SQL file that cannot be read or split into statements.
public struct ScriptError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file (`-` for standard input).
    public var file: String
    /// The 1-based line the problem starts on (0 when it concerns the whole file).
    public var line: Int
    /// What is wrong.
    public var message: String

    /// Creates a script error.
    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `FILE:LINE: message`, or `FILE: message` when no line applies.
    public var description: String {
        line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)"
    }
}
