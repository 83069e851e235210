/// The statements split from one script, held compactly: the script's bytes once, and per
/// statement 16 bytes (where its SQL starts and ends, its line and column). A `Query` is made
/// only when one is asked for, so a generated batch of millions of statements costs little more
/// than its text.
///
/// The few statements with more (a `-- name:`, `-- expect:` or `-- timeout:` above them) keep
/// it in side tables keyed by position; so does a statement more than 4 GiB into a script,
/// whose bounds do not fit the compact record.
final class ScriptStatements: Sendable {
    /// Where one statement's SQL is, in 16 bytes.
    struct Record: Sendable {
        var start: UInt32
        var end: UInt32
        var line: UInt32
        var column: UInt32
    }

    /// What a directive above a statement gave it.
    struct Annotation: Sendable {
        var name: String?
        var expectation: Expectation?
        var timeout: Duration?
    }

    /// The script's UTF-8 bytes, shared with every `Query` made from it.
    let bytes: [UInt8]
    /// The file the script came from, as queries name it.
    let file: String
    /// The batch index of the first statement (several files make one batch).
    let firstIndex: Int
    private let records: [Record]
    private let annotations: [Int: Annotation]
    private let farQueries: [Int: Query]

    init(bytes: [UInt8], file: String, firstIndex: Int, records: [Record], annotations: [Int: Annotation], farQueries: [Int: Query]) {
        self.bytes = bytes
        self.file = file
        self.firstIndex = firstIndex
        self.records = records
        self.annotations = annotations
        self.farQueries = farQueries
    }

    /// How many statements the script holds.
    var count: Int { records.count }

    /// The statement at `position` (0 for the script's first) as a query numbered in the batch.
    subscript(position: Int) -> Query {
        if !farQueries.isEmpty, let query = farQueries[position] { return query }
        let record = records[position]
        let index = firstIndex + position
        let annotation = annotations.isEmpty ? nil : annotations[position]
        var query = Query(bytes: bytes, range: Int(record.start)..<Int(record.end), name: annotation?.name ?? Self.positionalName(index),
                          index: index, file: file, line: Int(record.line), column: Int(record.column))
        if let annotation, annotation.expectation != nil || annotation.timeout != nil {
            query.expectation = annotation.expectation
            query.timeout = annotation.timeout
        }
        return query
    }

    /// Calls `body` with each statement's position and SQL bytes, in order, without making queries.
    func forEachSQL(_ body: (Int, UnsafeBufferPointer<UInt8>) -> Void) {
        bytes.withUnsafeBufferPointer { buffer in
            for (position, record) in records.enumerated() {
                if !farQueries.isEmpty, let query = farQueries[position] {
                    query.withUTF8SQL { body(position, $0) }
                } else {
                    body(position, UnsafeBufferPointer(rebasing: buffer[Int(record.start)..<Int(record.end)]))
                }
            }
        }
    }

    /// `q1`, `q2`, ... for batch index 0, 1, ...: made for every query read, so without the
    /// general formatting of string interpolation.
    static func positionalName(_ index: Int) -> String {
        var number = index + 1
        guard number > 0 else { return "q\(number)" }
        return String(unsafeUninitializedCapacity: 21) { buffer in
            var digits = 0
            var rest = number
            repeat {
                digits += 1
                rest /= 10
            } while rest > 0
            buffer[0] = UInt8(ascii: "q")
            var position = digits
            repeat {
                buffer[position] = UInt8(ascii: "0") + UInt8(number % 10)
                number /= 10
                position -= 1
            } while number > 0
            return digits + 1
        }
    }

    /// Collects a script's statements as the scanner finds them.
    struct Builder {
        private let bytes: [UInt8]
        private let file: String
        private let firstIndex: Int
        private var records: [Record] = []
        private var annotations: [Int: Annotation] = [:]
        private var farQueries: [Int: Query] = [:]

        init(bytes: [UInt8], file: String, firstIndex: Int, expectedCount: Int) {
            self.bytes = bytes
            self.file = file
            self.firstIndex = firstIndex
            records.reserveCapacity(expectedCount)
        }

        /// How many statements so far.
        var count: Int { records.count }

        /// Adds the statement whose SQL is `bytes[range]`, starting at `line`:`column`.
        mutating func append(range: Range<Int>, line: Int, column: Int, annotation: Annotation?) {
            let position = records.count
            if range.upperBound <= Int(UInt32.max) {
                records.append(Record(start: UInt32(range.lowerBound), end: UInt32(range.upperBound),
                                      line: UInt32(clamping: line), column: UInt32(clamping: column)))
                if let annotation { annotations[position] = annotation }
            } else {
                records.append(Record(start: 0, end: 0, line: 0, column: 0))
                let index = firstIndex + position
                var query = Query(bytes: bytes, range: range, name: annotation?.name ?? "q\(index + 1)", index: index, file: file,
                                  line: line, column: column)
                query.expectation = annotation?.expectation
                query.timeout = annotation?.timeout
                farQueries[position] = query
            }
        }

        /// The statements collected.
        func finish() -> ScriptStatements {
            ScriptStatements(bytes: bytes, file: file, firstIndex: firstIndex, records: records, annotations: annotations,
                             farQueries: farQueries)
        }
    }
}
