import Foundation

/// A group of people who own applications and cutovers together (an operations team, a
/// project team). Members are users, by username.
public struct Team: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let name: String
    public var members: [String]

    public init(id: UUID = UUID(), name: String, members: [String]) {
        self.id = id
        self.name = name
        self.members = members
    }

    /// Same rules as environment names: they appear in URLs and filters.
    public static func validate(name: String) throws(CoreError) -> String {
        do {
            return try Environment.validate(name: name, order: nil)
        } catch {
            throw .invalid([FieldError("name", "may hold only letters, digits, '.', '-' and '_' (1 to 100), starting with a letter or digit")])
        }
    }
}
