/// One database of a fleet and the label its rows and errors carry.
public struct FleetMember: Sendable {
    /// The label: the `target` column's value, and the prefix of its error lines.
    public var label: String
    /// The database.
    public var database: Database

    /// Creates a member.
    public init(label: String, database: Database) {
        self.label = label
        self.database = database
    }

    /// `labels` made unique in order: a repeated label gets `_2`, `_3`, ... (`a`, `a_2`, `a_3`).
    public static func uniqueLabels(_ labels: [String]) -> [String] {
        var taken = Set<String>()
        var result: [String] = []
        for label in labels {
            var candidate = label
            var n = 2
            while taken.contains(candidate) {
                candidate = "\(label)_\(n)"
                n += 1
            }
            taken.insert(candidate)
            result.append(candidate)
        }
        return result
    }
}
