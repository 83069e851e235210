import Foundation

/// Reads SQL files (or standard input) into one batch.
public enum ScriptLoader {
    /// Reads and splits each file in order; `-` reads standard input. The statements of all
    /// files form one batch, numbered across files.
    public static func loadBatch(paths: [String], dialect: SQLDialect) throws(ScriptError) -> Batch {
        var queries: [Query] = []
        for path in paths {
            let text = try readText(path: path)
            queries += try ScriptSplitter(dialect: dialect).split(text, file: path, firstIndex: queries.count)
        }
        return Batch(queries)
    }

    /// Reads a file as UTF-8 text, refusing directories, binary files and invalid UTF-8 with a clear error.
    public static func readText(path: String) throws(ScriptError) -> String {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ScriptError(file: path, line: 0, message: "no such file")
            }
            if isDirectory.boolValue { throw ScriptError(file: path, line: 0, message: "is a directory, not a SQL file") }
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                let reason = FileManager.default.isReadableFile(atPath: path) ? "cannot be read" : "permission denied"
                throw ScriptError(file: path, line: 0, message: reason)
            }
        }
        if let nul = data.firstIndex(of: 0) {
            throw ScriptError(file: path, line: lineNumber(in: data, at: nul), message: "contains a NUL byte: not a SQL text file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            let offset = firstInvalidUTF8(in: data)
            throw ScriptError(file: path, line: lineNumber(in: data, at: offset), message: "is not valid UTF-8 text (byte \(offset))")
        }
        return text
    }

    private static func lineNumber(in data: Data, at offset: Int) -> Int {
        data.prefix(offset).reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
    }

    /// The offset of the first byte that does not start or continue a valid UTF-8 sequence.
    private static func firstInvalidUTF8(in data: Data) -> Int {
        let bytes = [UInt8](data)
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
            if String(bytes: bytes[i..<i + length], encoding: .utf8) == nil { return i }
            i += length
        }
        return bytes.count
    }
}
