/// One reason an input was refused, tied to the field that carries it so that forms
/// and API clients can show it next to that field. Documents such as the release policy also
/// name the line.
public struct FieldError: Error, Sendable, Equatable, Hashable, CustomStringConvertible {
    public let field: String
    public let message: String
    /// The line of a document (1 for the first), when the input was one.
    public let line: Int?

    public init(_ field: String, _ message: String, line: Int? = nil) {
        self.field = field
        self.message = message
        self.line = line
    }

    public var description: String {
        (line.map { "line \($0): " } ?? "") + "\(field): \(message)"
    }
}
