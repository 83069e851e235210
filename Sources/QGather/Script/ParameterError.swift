/// A placeholder with no value to bind.
public struct ParameterError: Error, Sendable, CustomStringConvertible {
    /// The query that uses the placeholder.
    public var query: Query
    /// The parameter's name.
    public var name: String

    /// `FILE:LINE: NAME: no value for parameter :name`.
    public var description: String {
        "\(query.file):\(query.line): \(query.name): no value for parameter :\(name) (give --param \(name)=VALUE)"
    }
}
