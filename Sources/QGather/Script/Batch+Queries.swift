extension Batch {
    /// A batch's queries in input order: a random-access collection of `Query`.
    ///
    /// A batch made from queries holds them as they are. A batch split from scripts holds each
    /// script's bytes once and 16 bytes per statement (`ScriptStatements`); each `Query` is made
    /// when it is read, and a query changed through the subscript (as `bind` does) is kept
    /// beside them. Reading the same position twice gives equal queries.
    public struct Queries: RandomAccessCollection, MutableCollection, Sendable, Equatable {
        private enum Storage: Sendable {
            case list([Query])
            case scripts([ScriptStatements], count: Int)
        }

        private var storage: Storage
        private var changed: [Int: Query] = [:]

        init(_ queries: [Query]) {
            storage = .list(queries)
        }

        init(scripts: [ScriptStatements]) {
            let scripts = scripts.filter { $0.count > 0 }
            storage = .scripts(scripts, count: scripts.reduce(0) { $0 + $1.count })
        }

        /// The position of the first query: 0.
        public var startIndex: Int { 0 }

        /// One past the last query's position: the number of queries.
        public var endIndex: Int {
            switch storage {
            case .list(let queries): return queries.count
            case .scripts(_, let count): return count
            }
        }

        /// The query at `position` (whose `index` is `position`).
        public subscript(position: Int) -> Query {
            get {
                switch storage {
                case .list(let queries):
                    return queries[position]
                case .scripts(let scripts, let count):
                    precondition(position >= 0 && position < count, "Batch.Queries: index out of range")
                    if !changed.isEmpty, let query = changed[position] { return query }
                    if scripts.count == 1 { return scripts[0][position] }
                    let script = Self.script(holding: position, in: scripts)
                    return script[position - script.firstIndex]
                }
            }
            set {
                switch storage {
                case .list(var queries):
                    storage = .list([])  // let the array be changed in place, not copied
                    queries[position] = newValue
                    storage = .list(queries)
                case .scripts(_, let count):
                    precondition(position >= 0 && position < count, "Batch.Queries: index out of range")
                    changed[position] = newValue
                }
            }
        }

        /// Calls `body` with each query's position and SQL bytes, in order, without making the
        /// queries (a split batch reads its statements where they are in the script).
        package func forEachSQL(_ body: (Int, UnsafeBufferPointer<UInt8>) -> Void) {
            switch storage {
            case .list(let queries):
                for (position, query) in queries.enumerated() { query.withUTF8SQL { body(position, $0) } }
            case .scripts(let scripts, _):
                for script in scripts {
                    script.forEachSQL { offset, bytes in
                        let position = script.firstIndex + offset
                        if !changed.isEmpty, let query = changed[position] { query.withUTF8SQL { body(position, $0) } } else { body(position, bytes) }
                    }
                }
            }
        }

        /// The script whose statements include batch position `position` (binary search: scripts
        /// hold consecutive positions, in order).
        private static func script(holding position: Int, in scripts: [ScriptStatements]) -> ScriptStatements {
            var low = 0
            var high = scripts.count - 1
            while low < high {
                let mid = (low + high + 1) / 2
                if scripts[mid].firstIndex <= position { low = mid } else { high = mid - 1 }
            }
            return scripts[low]
        }

        /// Queries are equal when they hold equal queries in the same order, however stored.
        public static func == (lhs: Queries, rhs: Queries) -> Bool {
            lhs.elementsEqual(rhs)
        }
    }
}
