import Foundation

/// The editable plan of a release, valid by construction: build it with `validate`.
public struct ReleaseFields: Sendable, Equatable {
    public var title: String
    public var version: String
    public var type: ReleaseType
    public var window: PlannedWindow?
    public var environment: String?
    public var owner: String?
    public var description: String
    public var objectives: [String]
    public var scope: [String]

    public init(
        title: String, version: String, type: ReleaseType, window: PlannedWindow? = nil, environment: String? = nil,
        owner: String? = nil, description: String = "", objectives: [String] = [], scope: [String] = []
    ) {
        self.title = title
        self.version = version
        self.type = type
        self.window = window
        self.environment = environment
        self.owner = owner
        self.description = description
        self.objectives = objectives
        self.scope = scope
    }
}

/// What a person typed, before the rules have looked at it.
public struct ReleaseInput: Sendable, Equatable {
    public var title: String
    public var version: String
    public var type: ReleaseType
    public var plannedStart: Date?
    public var plannedEnd: Date?
    public var environment: String?
    public var owner: String?
    public var description: String
    public var objectives: [String]
    public var scope: [String]

    public init(
        title: String, version: String, type: ReleaseType, plannedStart: Date? = nil, plannedEnd: Date? = nil,
        environment: String? = nil, owner: String? = nil, description: String = "", objectives: [String] = [],
        scope: [String] = []
    ) {
        self.title = title
        self.version = version
        self.type = type
        self.plannedStart = plannedStart
        self.plannedEnd = plannedEnd
        self.environment = environment
        self.owner = owner
        self.description = description
        self.objectives = objectives
        self.scope = scope
    }

    public init(_ fields: ReleaseFields) {
        self.init(
            title: fields.title, version: fields.version, type: fields.type, plannedStart: fields.window?.start,
            plannedEnd: fields.window?.end, environment: fields.environment, owner: fields.owner,
            description: fields.description, objectives: fields.objectives, scope: fields.scope)
    }
}

/// The limits of a release's fields. Generous enough for real plans, small enough that one
/// release cannot fill the database or break a page.
public enum ReleaseLimits {
    public static let title = 200
    public static let version = 100
    public static let owner = 200
    public static let environment = 100
    public static let description = 100_000
    public static let listItem = 1_000
    public static let listCount = 200
}

extension ReleaseInput {
    /// Every rule about the fields at once, so that a form shows all its errors together.
    /// Text is trimmed; empty optional text means absent; empty list items are dropped.
    public func validate() throws(CoreError) -> ReleaseFields {
        var errors: [FieldError] = []
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        if title.isEmpty { errors.append(FieldError("title", "is required")) }
        if title.count > ReleaseLimits.title {
            errors.append(FieldError("title", "must be at most \(ReleaseLimits.title) characters (it has \(title.count))"))
        }
        let version = version.trimmingCharacters(in: .whitespacesAndNewlines)
        if version.isEmpty { errors.append(FieldError("version", "is required")) }
        if version.count > ReleaseLimits.version {
            errors.append(FieldError("version", "must be at most \(ReleaseLimits.version) characters"))
        }
        var window: PlannedWindow?
        switch (plannedStart, plannedEnd) {
        case (nil, nil): break
        case (.some, nil): errors.append(FieldError("plannedEnd", "is required when a planned start is given"))
        case (nil, .some): errors.append(FieldError("plannedStart", "is required when a planned end is given"))
        case let (start?, end?):
            window = PlannedWindow(start: start, end: end)
            if window == nil { errors.append(FieldError("plannedEnd", "must be after the planned start")) }
        }
        let environment = Self.optionalText(environment)
        if let environment, environment.count > ReleaseLimits.environment {
            errors.append(FieldError("environment", "must be at most \(ReleaseLimits.environment) characters"))
        }
        let owner = Self.optionalText(owner)
        if let owner, owner.count > ReleaseLimits.owner {
            errors.append(FieldError("owner", "must be at most \(ReleaseLimits.owner) characters"))
        }
        if description.count > ReleaseLimits.description {
            errors.append(FieldError("description", "must be at most \(ReleaseLimits.description) characters"))
        }
        let objectives = Self.listItems(objectives, field: "objectives", errors: &errors)
        let scope = Self.listItems(scope, field: "scope", errors: &errors)
        guard errors.isEmpty else { throw .invalid(errors) }
        return ReleaseFields(
            title: title, version: version, type: type, window: window, environment: environment, owner: owner,
            description: description, objectives: objectives, scope: scope)
    }

    private static func optionalText(_ text: String?) -> String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        return trimmed
    }

    private static func listItems(_ items: [String], field: String, errors: inout [FieldError]) -> [String] {
        let kept = items.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        if kept.count > ReleaseLimits.listCount {
            errors.append(FieldError(field, "must have at most \(ReleaseLimits.listCount) items"))
        }
        if kept.contains(where: { $0.count > ReleaseLimits.listItem }) {
            errors.append(FieldError(field, "each item must be at most \(ReleaseLimits.listItem) characters"))
        }
        return kept
    }
}
