/// One reason an input was refused, tied to the field that carries it so that forms
/// and API clients can show it next to that field.
public struct FieldError: Sendable, Equatable, Hashable, CustomStringConvertible {
    public let field: String
    public let message: String

    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}
