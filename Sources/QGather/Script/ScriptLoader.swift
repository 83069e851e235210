import Foundation

/// Reads SQL files (or standard input) into one batch.
public enum ScriptLoader {
    /// Reads and splits each file in order; `-` reads standard input. The statements of all
    /// files form one batch, numbered across files. `standardConformingStrings` is the
    /// PostgreSQL session's setting where the batch starts (see `ScriptSplitter`).
    public static func loadBatch(paths: [String], dialect: SQLDialect, standardConformingStrings: Bool = true) throws(ScriptError) -> Batch {
        try split(readScripts(paths: paths), dialect: dialect, standardConformingStrings: standardConformingStrings)
    }

    /// The text of each file, in order (`-` reads standard input), to split later.
    public static func readScripts(paths: [String]) throws(ScriptError) -> [(path: String, text: String)] {
        var scripts: [(path: String, text: String)] = []
        for path in paths { scripts.append((path, try readText(path: path))) }
        return scripts
    }

    /// Splits scripts read by `readScripts` into one batch, numbered across files; a `SET
    /// standard_conforming_strings` in one file holds for the files after it, as in one session.
    /// `standardConformingStringsOnReset` is the value a `RESET` returns to (nil: unknown, as
    /// when an `--init` statement set it); by default the value the batch starts with.
    public static func split(_ scripts: [(path: String, text: String)], dialect: SQLDialect, standardConformingStrings: Bool = true,
                             standardConformingStringsOnReset: Bool?? = .none) throws(ScriptError) -> Batch {
        try split(scripts.map { ScriptSource(path: $0.path, text: $0.text) }, dialect: dialect,
                  standardConformingStrings: standardConformingStrings, standardConformingStringsOnReset: standardConformingStringsOnReset)
    }

    /// `split(_:dialect:...)` for scripts read as bytes (`readSources`): the batch shares each
    /// script's bytes, so a generated batch is held once, plus 16 bytes per statement.
    public static func split(_ sources: [ScriptSource], dialect: SQLDialect, standardConformingStrings: Bool = true,
                             standardConformingStringsOnReset: Bool?? = .none) throws(ScriptError) -> Batch {
        var scripts: [ScriptStatements] = []
        var count = 0
        var strings = StringSyntax(standardConformingStrings: standardConformingStrings, onReset: standardConformingStringsOnReset)
        let splitter = ScriptSplitter(dialect: dialect)
        for source in sources {
            let script = try splitter.statements(of: source.bytes, file: source.path, firstIndex: count, strings: &strings)
            count += script.count
            scripts.append(script)
        }
        return Batch(scripts: scripts)
    }

    /// Reads each file in order (`-` reads standard input) as `readText` does, keeping its bytes
    /// rather than making a String of them.
    public static func readSources(paths: [String]) throws(ScriptError) -> [ScriptSource] {
        var sources: [ScriptSource] = []
        for path in paths { sources.append(ScriptSource(path: path, bytes: try readValidatedBytes(path: path))) }
        return sources
    }

    /// Reads a file as UTF-8 text, refusing directories, binary files and invalid UTF-8 with a clear error.
    /// Pipes and devices work too (`<(generate-sql)`); reading stops at the first NUL byte, so a
    /// binary file or an endless device such as `/dev/zero` is refused without being read whole.
    /// A leading UTF-8 byte order mark is dropped.
    public static func readText(path: String) throws(ScriptError) -> String {
        String(decoding: try readValidatedBytes(path: path), as: UTF8.self)
    }

    /// The bytes of the file at `path`, checked as `readText` checks them, without a leading BOM.
    private static func readValidatedBytes(path: String) throws(ScriptError) -> [UInt8] {
        var bytes: [UInt8]
        if path == "-" {
            bytes = try readAll(descriptor: 0, path: path)
        } else {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ScriptError(file: path, line: 0, message: "no such file")
            }
            if isDirectory.boolValue { throw ScriptError(file: path, line: 0, message: "is a directory, not a SQL file") }
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                let reason = errno == EACCES ? "permission denied" : "cannot be read (\(String(cString: strerror(errno))))"
                throw ScriptError(file: path, line: 0, message: reason)
            }
            defer { close(descriptor) }
            bytes = try readAll(descriptor: descriptor, path: path)
        }
        let offset = firstInvalidUTF8(in: bytes)
        guard offset == bytes.count else {
            throw ScriptError(file: path, line: lineNumber(in: bytes, at: offset), message: "is not valid UTF-8 text (byte \(offset))")
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        return bytes
    }

    /// Reads `descriptor` to its end in chunks; throws at the first NUL byte.
    private static func readAll(descriptor: Int32, path: String) throws(ScriptError) -> [UInt8] {
        var bytes: [UInt8] = []
        var status = stat()
        if fstat(descriptor, &status) == 0, status.st_size > 0 { bytes.reserveCapacity(Int(status.st_size)) }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                throw ScriptError(file: path, line: 0, message: "cannot be read (\(String(cString: strerror(errno))))")
            }
            let nul: Int? = chunk.withUnsafeBytes { buffer in
                guard let base = buffer.baseAddress, let found = memchr(base, 0, count) else { return nil }
                return UnsafeRawPointer(found) - base
            }
            if let nul {
                bytes.append(contentsOf: chunk[0..<nul])
                throw ScriptError(file: path, line: lineNumber(in: bytes, at: bytes.count), message: "contains a NUL byte: not a SQL text file")
            }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }

    private static func lineNumber(in bytes: [UInt8], at offset: Int) -> Int {
        var line = 1
        var i = 0
        while i < offset {
            if bytes[i] == UInt8(ascii: "\n") { line += 1 }
            i += 1
        }
        return line
    }

    /// The offset of the first byte that does not start or continue a valid UTF-8 sequence
    /// (`bytes.count` when all are valid): no overlong forms, surrogates or code points past U+10FFFF.
    static func firstInvalidUTF8(in bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            var i = 0
            while i < buffer.count {
                let b = buffer[i]
                if b < 0x80 {
                    i += 1
                    continue
                }
                let length: Int
                // The range the second byte must fall in, which rules out the invalid forms.
                var second: ClosedRange<UInt8> = 0x80...0xBF
                switch b {
                case 0xC2...0xDF: length = 2
                case 0xE0: length = 3; second = 0xA0...0xBF
                case 0xED: length = 3; second = 0x80...0x9F
                case 0xE1...0xEF: length = 3
                case 0xF0: length = 4; second = 0x90...0xBF
                case 0xF4: length = 4; second = 0x80...0x8F
                case 0xF1...0xF3: length = 4
                default: return i
                }
                if i + length > buffer.count || !second.contains(buffer[i + 1]) { return i }
                for j in 2..<length where buffer[i + j] & 0xC0 != 0x80 { return i }
                i += length
            }
            return buffer.count
        }
    }
}
