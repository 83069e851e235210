/// A database that cannot be opened or connected to (the CLI exits 3).
public struct DatabaseOpenError: Error, Sendable, CustomStringConvertible {
    /// The target, with any password masked.
    public var target: String
    /// Why it cannot be opened.
    public var message: String

    /// Creates an open error.
    public init(target: String, message: String) {
        self.target = target
        self.message = message
    }

    /// `TARGET: message`, one line.
    public var description: String {
        "\(target): \(message)".replacingOccurrences(of: "\n", with: " ")
    }
}
