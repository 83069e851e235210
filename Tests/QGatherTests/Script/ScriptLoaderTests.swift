import Foundation
import QGather
import Testing

/// A unique path under the temporary directory (nothing is created).
private func temporaryPath(_ suffix: String = ".sql") -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("qgather-loader-\(UUID().uuidString)\(suffix)").path
}

/// Writes `bytes` to a new temporary file and returns its path.
private func temporaryFile(_ bytes: [UInt8]) throws -> String {
    let path = temporaryPath()
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

private func temporaryFile(_ text: String) throws -> String {
    try temporaryFile(Array(text.utf8))
}

/// The error loading `paths` throws, recording an issue if it does not throw.
private func loadError(_ paths: [String], dialect: SQLDialect = .sqlite) -> ScriptError? {
    do throws(ScriptError) {
        let batch = try ScriptLoader.loadBatch(paths: paths, dialect: dialect)
        Issue.record("expected a ScriptError, loaded \(batch.count) queries")
        return nil
    } catch {
        return error
    }
}

@Suite struct ScriptLoaderTests {
    @Test func missingFileThrowsNoSuchFile() {
        let path = temporaryPath()
        let error = loadError([path])
        #expect(error?.file == path)
        #expect(error?.line == 0)
        #expect(error?.message == "no such file")
        #expect(error?.description == "\(path): no such file")
    }

    @Test func directoryIsRefused() throws {
        let path = temporaryPath(".d")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = loadError([path])
        #expect(error?.file == path)
        #expect(error?.line == 0)
        #expect(error?.message.contains("is a directory") == true)
    }

    @Test func invalidUTF8IsRefusedWithLineAndByteOffset() throws {
        // "SELECT 1;\n" is 10 bytes and "SELECT '" 8 more: the bad byte is at offset 18, on line 2.
        let path = try temporaryFile(Array("SELECT 1;\nSELECT '".utf8) + [0xFF] + Array("';\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = loadError([path])
        #expect(error?.file == path)
        #expect(error?.line == 2)
        #expect(error?.message.contains("not valid UTF-8") == true)
        #expect(error?.message.contains("byte 18") == true)
    }

    @Test func truncatedMultiByteSequenceAtEndIsInvalidUTF8() throws {
        let path = try temporaryFile(Array("SELECT 1;".utf8) + [0xC3])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = loadError([path])
        #expect(error?.line == 1)
        #expect(error?.message.contains("not valid UTF-8") == true)
        #expect(error?.message.contains("byte 9") == true)
    }

    @Test func nulByteIsRefusedAsNotSQLText() throws {
        let path = try temporaryFile(Array("SELECT 1;\nSELECT".utf8) + [0x00] + Array(" 2;\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = loadError([path])
        #expect(error?.file == path)
        #expect(error?.line == 2)
        #expect(error?.message.contains("NUL byte") == true)
    }

    @Test func readTextReturnsTheFileContents() throws {
        let text = "-- caf\u{E9}\nSELECT 1;\n"
        let path = try temporaryFile(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try ScriptLoader.readText(path: path) == text)
    }

    @Test func devNullIsAnEmptyScript() throws {
        #expect(try ScriptLoader.readText(path: "/dev/null") == "")
    }

    @Test func endlessBinaryDeviceIsRefusedAtItsFirstNUL() {
        let error = loadError(["/dev/zero"])
        #expect(error?.line == 1)
        #expect(error?.message.contains("NUL byte") == true)
    }

    @Test func namedPipeIsReadToItsEnd() throws {
        let path = temporaryPath(".fifo")
        #expect(mkfifo(path, 0o600) == 0)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = Thread {
            let handle = FileHandle(forWritingAtPath: path)
            handle?.write(Data("SELECT 1;\nSELECT 2;\n".utf8))
            try? handle?.close()
        }
        writer.start()
        let batch = try ScriptLoader.loadBatch(paths: [path], dialect: .sqlite)
        #expect(batch.queries.map(\.sql) == ["SELECT 1", "SELECT 2"])
    }

    @Test func byteOrderMarkIsDroppedAndOffsetsStayFileOffsets() throws {
        let path = try temporaryFile([0xEF, 0xBB, 0xBF] + Array("SELECT 1;\nSELECT '".utf8) + [0xFF] + Array("';".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(loadError([path])?.message.contains("byte 21") == true)
        let clean = try temporaryFile([0xEF, 0xBB, 0xBF] + Array("SELECT 1;".utf8))
        defer { try? FileManager.default.removeItem(atPath: clean) }
        let batch = try ScriptLoader.loadBatch(paths: [clean], dialect: .sqlite)
        #expect(batch.queries.map(\.sql) == ["SELECT 1"])
        #expect(batch.queries.first?.column == 1)
    }

    @Test func overlongFormsSurrogatesAndCodePointsPastTheLastAreInvalidUTF8() throws {
        for (bytes, line, offset) in [([0x53, 0x0A, 0xC0, 0x80], 2, 2), ([0x53, 0x0A, 0xE0, 0x80, 0x80], 2, 2), ([0x0A, 0x0A, 0xED, 0xA0, 0x80], 3, 2),
                                      ([0xF0, 0x80, 0x80, 0x80], 1, 0), ([0xF4, 0x90, 0x80, 0x80], 1, 0), ([0x53, 0xE2, 0x41, 0x80], 1, 1)]
            as [([UInt8], Int, Int)] {
            let path = try temporaryFile(bytes)
            defer { try? FileManager.default.removeItem(atPath: path) }  // a file left in the temporary directory changes no result
            #expect(throws: ScriptError(file: path, line: line, message: "is not valid UTF-8 text (byte \(offset))")) {
                try ScriptLoader.readSources(paths: [path])
            }
        }
    }

    @Test func readSourcesKeepsTheBytesWithoutTheByteOrderMark() throws {
        let path = try temporaryFile([0xEF, 0xBB, 0xBF] + Array("SELECT 'é';".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }  // a file left in the temporary directory changes no result
        #expect(try ScriptLoader.readSources(paths: [path]).map(\.bytes) == [Array("SELECT 'é';".utf8)])
        #expect(try ScriptLoader.readSources(paths: [path]).map(\.path) == [path])
    }

    @Test func severalFilesFormOneBatchNumberedAcrossFiles() throws {
        let first = try temporaryFile("SELECT 1;\n-- name: named\nSELECT 2;\n")
        let second = try temporaryFile("SELECT 3;\nSELECT 4\n")
        defer {
            try? FileManager.default.removeItem(atPath: first)
            try? FileManager.default.removeItem(atPath: second)
        }
        let batch = try ScriptLoader.loadBatch(paths: [first, second], dialect: .sqlite)
        #expect(batch.count == 4)
        #expect(batch.queries.map(\.index) == [0, 1, 2, 3])
        #expect(batch.queries.map(\.name) == ["q1", "named", "q3", "q4"])
        #expect(batch.queries.map(\.sql) == ["SELECT 1", "SELECT 2", "SELECT 3", "SELECT 4"])
        #expect(batch.queries.map(\.file) == [first, first, second, second])
        #expect(batch.queries.map(\.line) == [1, 3, 1, 2])
    }

    @Test func loadBatchUsesTheDialectForSplitting() throws {
        let path = try temporaryFile("SELECT $$a;b$$;\nSELECT 2;\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let batch = try ScriptLoader.loadBatch(paths: [path], dialect: .postgres)
        #expect(batch.queries.map(\.sql) == ["SELECT $$a;b$$", "SELECT 2"])
    }

    @Test func errorInALaterFileNamesThatFileAndLine() throws {
        let good = try temporaryFile("SELECT 1;\n")
        let bad = try temporaryFile("SELECT 2;\n\nSELECT 'open;\n")
        defer {
            try? FileManager.default.removeItem(atPath: good)
            try? FileManager.default.removeItem(atPath: bad)
        }
        let error = loadError([good, bad])
        #expect(error?.file == bad)
        #expect(error?.line == 3)
        #expect(error?.message == "unterminated string literal")
    }

    @Test func missingFileAfterGoodOneStillFails() throws {
        let good = try temporaryFile("SELECT 1;\n")
        defer { try? FileManager.default.removeItem(atPath: good) }
        let missing = temporaryPath()
        let error = loadError([good, missing])
        #expect(error?.file == missing)
        #expect(error?.message == "no such file")
    }
}
