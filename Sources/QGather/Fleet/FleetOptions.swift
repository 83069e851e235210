/// How a batch runs on a fleet of databases.
public struct FleetOptions: Sendable {
    /// How the batch meets the targets.
    public enum Mode: String, Sendable, Hashable {
        /// Every query runs on every target; each query's rows are merged in target order.
        case fanOut = "fan-out"
        /// Every query runs once, on whichever target has a free connection: the targets are
        /// equivalent copies (a primary and its read replicas). Reads only.
        case spread
    }

    /// Fan-out (the default) or spread.
    public var mode: Mode
    /// Policy, timeout, snapshot, serial and retries apply per target; `jobs` caps the
    /// connections at work across all targets.
    public var gather: GatherOptions
    /// The most connections at work on one target at once.
    public var perTarget: Int
    /// Fan-out: whether each `TargetOutcome` keeps its own rows besides the merged ones (the CLI
    /// needs only the merged ones, and so holds each row once).
    public var keepsTargetRows: Bool

    /// Creates options; `perTarget` defaults to `FleetOptions.defaultPerTarget`.
    public init(mode: Mode = .fanOut, gather: GatherOptions = GatherOptions(), perTarget: Int? = nil, keepsTargetRows: Bool = true) {
        self.mode = mode
        self.gather = gather
        self.perTarget = max(1, perTarget ?? FleetOptions.defaultPerTarget)
        self.keepsTargetRows = keepsTargetRows
    }

    /// Connections per target by default: 4, few enough not to hammer one server while the
    /// other targets keep the rest of `jobs` busy.
    public static let defaultPerTarget = 4
}
