import ArgumentParser
import QGather

/// `--schedule`: the order queries start in. Results print in file order either way.
enum StartSchedule: String, CaseIterable, ExpressibleByArgument {
    /// Queries known (from earlier runs) to take at least `longQuery` start first, longest first;
    /// every other query follows in file order.
    case longestFirst = "longest-first"
    /// File order.
    case fileOrder = "file-order"

    /// A query this long or longer in an earlier run goes to the front.
    static let longQuery = Duration.milliseconds(10)

    /// The start order of `queries` by `expected` durations (nil: never seen), and how many
    /// were moved to the front; nil when that is the file order.
    static func longestFirst(_ queries: some Collection<Query>, expected: (Query) -> Duration?) -> (order: [Int], moved: Int)? {
        var long: [(index: Int, duration: Duration)] = []
        for query in queries {
            if let duration = expected(query), duration >= longQuery { long.append((query.index, duration)) }
        }
        return longestFirst(count: queries.count, long: long)
    }

    /// The start order of queries `0..<count` when those in `long` (index, expected duration, each
    /// at least `longQuery`) go first, longest first; nil when that is the file order.
    static func longestFirst(count: Int, long: [(index: Int, duration: Duration)]) -> (order: [Int], moved: Int)? {
        let front = long.sorted { $0.duration != $1.duration ? $0.duration > $1.duration : $0.index < $1.index }.map(\.index)
        // Already in file order (nothing long, or the long ones first and in order): no order is made.
        guard front != Array(0..<front.count) else { return nil }
        var order = front
        order.reserveCapacity(count)
        let moved = Set(front)
        for index in 0..<count where !moved.contains(index) { order.append(index) }
        return (order, front.count)
    }
}
