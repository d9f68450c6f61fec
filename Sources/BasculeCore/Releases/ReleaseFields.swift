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
    /// What the release touches, as the policy's scopes name it (`payroll`, `shop`).
    public var tags: [String]

    public init(
        title: String, version: String, type: ReleaseType, window: PlannedWindow? = nil, environment: String? = nil,
        owner: String? = nil, description: String = "", tags: [String] = []
    ) {
        self.title = title
        self.version = version
        self.type = type
        self.window = window
        self.environment = environment
        self.owner = owner
        self.description = description
        self.tags = tags
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
    public var tags: [String]

    public init(
        title: String, version: String, type: ReleaseType, plannedStart: Date? = nil, plannedEnd: Date? = nil,
        environment: String? = nil, owner: String? = nil, description: String = "", tags: [String] = []
    ) {
        self.title = title
        self.version = version
        self.type = type
        self.plannedStart = plannedStart
        self.plannedEnd = plannedEnd
        self.environment = environment
        self.owner = owner
        self.description = description
        self.tags = tags
    }

    public init(_ fields: ReleaseFields) {
        self.init(
            title: fields.title, version: fields.version, type: fields.type, plannedStart: fields.window?.start,
            plannedEnd: fields.window?.end, environment: fields.environment, owner: fields.owner,
            description: fields.description, tags: fields.tags)
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
    public static let tag = 50
    public static let tagCount = 50
    /// The most rows one CSV export of the list holds; narrower filters get the rest.
    public static let exportRows = 10_000
}

extension ReleaseInput {
    /// Every rule about the fields at once, so that a form shows all its errors together.
    /// Text is trimmed; empty optional text means absent; empty list items are dropped.
    public func validate() throws(CoreError) -> ReleaseFields {
        var errors: [FieldError] = []
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        if title.isEmpty { errors.append(FieldError("title", "is required")) }
        if let refused = TextRule.checkSingleLine(title, field: "title") { errors.append(refused) }
        if title.textLength > ReleaseLimits.title {
            errors.append(FieldError("title", "must be at most \(ReleaseLimits.title) characters (it has \(title.count))"))
        }
        let version = version.trimmingCharacters(in: .whitespacesAndNewlines)
        if version.isEmpty { errors.append(FieldError("version", "is required")) }
        if version.textLength > ReleaseLimits.version {
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
        if let environment, environment.textLength > ReleaseLimits.environment {
            errors.append(FieldError("environment", "must be at most \(ReleaseLimits.environment) characters"))
        }
        let owner = Self.optionalText(owner)
        if let owner, owner.textLength > ReleaseLimits.owner {
            errors.append(FieldError("owner", "must be at most \(ReleaseLimits.owner) characters"))
        }
        if description.textLength > ReleaseLimits.description {
            errors.append(FieldError("description", "must be at most \(ReleaseLimits.description) characters"))
        }
        let tags = Self.tags(tags, errors: &errors)
        guard errors.isEmpty else { throw .invalid(errors) }
        return ReleaseFields(
            title: title, version: version, type: type, window: window, environment: environment, owner: owner,
            description: description, tags: tags)
    }

    private static func optionalText(_ text: String?) -> String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        return trimmed
    }

    /// Tags are lowercase words (letters, digits, `-`, `_`), each kept once, in the order given.
    private static func tags(_ items: [String], errors: inout [FieldError]) -> [String] {
        var kept: [String] = []
        for item in items {
            let tag = item.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            if tag.isEmpty || kept.contains(tag) { continue }
            if tag.textLength > ReleaseLimits.tag || !tag.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
                errors.append(FieldError("tags", "'\(tag.prefix(60))' is not a tag: use letters, digits, - and _, at most \(ReleaseLimits.tag) characters"))
                continue
            }
            kept.append(tag)
        }
        if kept.count > ReleaseLimits.tagCount { errors.append(FieldError("tags", "must have at most \(ReleaseLimits.tagCount) tags")) }
        return kept
    }
}
