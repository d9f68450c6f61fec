import Foundation

public enum EnvironmentKind: String, Sendable, CaseIterable, Codable, Hashable {
    case development, test, preproduction, production
}

/// Where a release is deployed. `order` is the position on the promotion path
/// (development first, production last), which is how lists show them.
public struct Environment: Sendable, Equatable, Identifiable {
    public let id: UUID
    public var name: String
    public var kind: EnvironmentKind
    public var order: Int
    /// The environment this one copies (preproduction mirrors production), so that problems show
    /// here first; `refreshedAt` is when it was last refreshed from it.
    public var mirrors: String?
    public var refreshedAt: Date?

    public init(id: UUID = UUID(), name: String, kind: EnvironmentKind, order: Int, mirrors: String? = nil, refreshedAt: Date? = nil) {
        self.id = id
        self.name = name
        self.kind = kind
        self.order = order
        self.mirrors = mirrors
        self.refreshedAt = refreshedAt
    }

    /// Checks that `environment` may mirror `target`: another environment that exists, and not one
    /// that already mirrors it, however far down (a loop of copies copies nothing).
    public static func validateMirror(_ target: String, of environment: Environment, among environments: [Environment]) throws(CoreError) {
        guard target != environment.name else { throw .invalid([FieldError("mirrors", "an environment cannot mirror itself")]) }
        let byName = Dictionary(environments.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        guard byName[target] != nil else { throw .invalid([FieldError("mirrors", "names no environment: \(target)")]) }
        var seen: [String] = [environment.name, target], next = byName[target]?.mirrors
        while let name = next, !seen.dropFirst().contains(name) {
            guard name != environment.name else {
                throw .invalid([FieldError("mirrors", "would make a loop of mirrors: \((seen + [name]).joined(separator: " → "))")])
            }
            seen.append(name)
            next = byName[name]?.mirrors
        }
    }

    public static let nameLimit = 100

    /// Names appear in URLs, filters and feeds: letters, digits, dot, dash and underscore,
    /// starting with a letter or digit.
    public static func validate(name rawName: String, order: Int?) throws(CoreError) -> String {
        let name = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
        var errors: [FieldError] = []
        if name.isEmpty {
            errors.append(FieldError("name", "is required"))
        } else if name.textLength > nameLimit {
            errors.append(FieldError("name", "must be at most \(nameLimit) characters"))
        } else if !isWellFormed(name) {
            errors.append(FieldError("name", "may hold only letters, digits, '.', '-' and '_', and must start with a letter or digit"))
        }
        if let order, order < 0 || order > 1_000_000 {
            errors.append(FieldError("order", "must be between 0 and 1000000"))
        }
        guard errors.isEmpty else { throw .invalid(errors) }
        return name
    }

    private static func isWellFormed(_ name: String) -> Bool {
        let scalars = name.unicodeScalars
        guard let first = scalars.first, first.isASCII, first.properties.isAlphabetic || ("0"..."9").contains(first) else {
            return false
        }
        return scalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }
    }
}
