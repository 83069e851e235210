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
        var queries: [Query] = []
        var strings = StringSyntax(standardConformingStrings: standardConformingStrings, onReset: standardConformingStringsOnReset)
        let splitter = ScriptSplitter(dialect: dialect)
        for (path, text) in scripts {
            let split = try splitter.split(text, file: path, firstIndex: queries.count, strings: &strings)
            // One script (the usual case) is taken as it is: no second copy of a huge batch.
            if queries.isEmpty { queries = split } else { queries += split }
        }
        return Batch(numbered: queries)  // the splitter numbered them across files
    }

    /// Reads a file as UTF-8 text, refusing directories, binary files and invalid UTF-8 with a clear error.
    /// Pipes and devices work too (`<(generate-sql)`); reading stops at the first NUL byte, so a
    /// binary file or an endless device such as `/dev/zero` is refused without being read whole.
    /// A leading UTF-8 byte order mark is dropped.
    public static func readText(path: String) throws(ScriptError) -> String {
        let bytes: [UInt8]
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
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let offset = firstInvalidUTF8(in: bytes)
            throw ScriptError(file: path, line: lineNumber(in: bytes, at: offset), message: "is not valid UTF-8 text (byte \(offset))")
        }
        return text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
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

    /// The offset of the first byte that does not start or continue a valid UTF-8 sequence.
    private static func firstInvalidUTF8(in bytes: [UInt8]) -> Int {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let length: Int
            switch b {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return i
            }
            if i + length > bytes.count { return i }
            for j in 1..<length where bytes[i + j] & 0xC0 != 0x80 { return i }
            if String(validating: bytes[i..<i + length], as: UTF8.self) == nil { return i }
            i += length
        }
        return bytes.count
    }
}
