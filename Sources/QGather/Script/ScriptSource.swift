/// A SQL script as read: where it came from and its UTF-8 text as bytes.
///
/// `ScriptLoader.readSources` reads files this way, and `ScriptLoader.split` shares the bytes
/// with the batch it makes, so a script's text is held once however many statements it holds.
public struct ScriptSource: Sendable {
    /// The file the script came from (`-` for standard input), as errors and queries name it.
    public var path: String
    /// The script's text, UTF-8.
    public var bytes: [UInt8]

    /// A script from its text.
    public init(path: String, text: String) {
        self.path = path
        self.bytes = Array(text.utf8)
    }

    /// A script from bytes already known to be UTF-8 (as `ScriptLoader.readSources` checks them).
    init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }
}
