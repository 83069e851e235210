import Logging
import Synchronization

/// A swift-log handler that keeps every record in memory, for tests that assert log events.
final class LogRecorder: Sendable {
    /// One logged event.
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
        /// The message and every metadata value, for "never appears" checks.
        var allText: String { ([message] + metadata.map { "\($0.key)=\($0.value)" }).joined(separator: " ") }
    }

    private let entries = Mutex<[Entry]>([])

    /// A logger writing here at `level` and above.
    func logger(level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: "test", factory: { _ in Handler(recorder: self) })
        logger.logLevel = level
        return logger
    }

    /// Everything logged so far.
    var all: [Entry] { entries.withLock { $0 } }

    /// The entries whose message is `message`.
    func entries(_ message: String) -> [Entry] { all.filter { $0.message == message } }

    fileprivate func append(_ entry: Entry) { entries.withLock { $0.append(entry) } }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var merged = metadata
            event.metadata?.forEach { merged[$0.key] = $0.value }
            recorder.append(Entry(level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" }))
        }
    }
}
