import QGather

/// A target of a run and the label its rows and errors carry.
struct LabelledTarget: Equatable {
    /// The label given (`--targets` file), or nil for the database's own (`Database.label`).
    var givenLabel: String?
    /// The database.
    var target: TargetOptions.Target
    /// Where it was given when that was a targets file (`FILE:LINE`), for messages.
    var origin: String?
}
