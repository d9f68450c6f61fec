import Foundation

/// The human key of a change, `CHG-12`, numbered across the installation.
public struct ChangeKey: NumberedHumanKey {
    public static let prefix = "CHG-"
    public let number: Int

    public init(number: Int) {
        self.number = number
    }
}

public enum ChangeCategory: String, Sendable, CaseIterable, Codable { case standard, normal, emergency }
public enum ChangeKind: String, Sendable, CaseIterable, Codable { case software, configuration, hardware, network, organisational }
public enum ChangeStatus: String, Sendable, CaseIterable, Codable { case proposed, approved, implemented, rejected, cancelled }

/// One modification inside a release (an RFC), with its own risk and the way to undo it.
public struct Change: Sendable, Equatable {
    public let id: UUID
    public let key: ChangeKey
    public let releaseKey: ReleaseKey
    public var fields: ChangeFields
    /// Who asked for it; the requester of a change never approves its release.
    public let requestedBy: String
    public let createdAt: Date
    public var updatedAt: Date
    public var revision: Int

    public init(id: UUID = UUID(), key: ChangeKey, releaseKey: ReleaseKey, fields: ChangeFields, requestedBy: String,
                createdAt: Date, updatedAt: Date? = nil, revision: Int = 1) {
        self.id = id
        self.key = key
        self.releaseKey = releaseKey
        self.fields = fields
        self.requestedBy = requestedBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.revision = revision
    }
}

public struct ChangeFields: Sendable, Equatable {
    public var title: String
    public var description: String
    public var category: ChangeCategory
    public var kind: ChangeKind
    /// The version control change or ticket (a URL or an identifier such as `JIRA-123`).
    public var link: String?
    public var risk: RiskLevel
    public var rollback: String
    public var status: ChangeStatus
    /// The configuration items it modifies (keys), which the calendar checks for conflicts.
    public var items: [String]

    public init(title: String, description: String = "", category: ChangeCategory = .normal, kind: ChangeKind = .software,
                link: String? = nil, risk: RiskLevel = .low, rollback: String = "", status: ChangeStatus = .proposed, items: [String] = []) {
        self.title = title
        self.description = description
        self.category = category
        self.kind = kind
        self.link = link
        self.risk = risk
        self.rollback = rollback
        self.status = status
        self.items = items
    }

    /// The items as keys; valid once `validated()` passed.
    public var itemKeys: [CIKey] { items.compactMap(CIKey.init) }

    public func validated() throws(CoreError) -> ChangeFields {
        var errors: [FieldError] = []
        var fields = self
        fields.title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        if fields.title.isEmpty { errors.append(FieldError("title", "is required")) }
        if fields.title.textLength > ReleaseLimits.title { errors.append(FieldError("title", "must be at most \(ReleaseLimits.title) characters")) }
        if description.textLength > ReleaseLimits.description { errors.append(FieldError("description", "must be at most \(ReleaseLimits.description) characters")) }
        if rollback.textLength > ReleaseLimits.description { errors.append(FieldError("rollback", "must be at most \(ReleaseLimits.description) characters")) }
        fields.link = Reference.validated(link, field: "link", errors: &errors)
        var keys: Set<CIKey> = []
        for raw in items {
            guard let key = CIKey(raw) else { errors.append(FieldError("items", "\"\(raw)\" \(CIKey.rule)")); continue }
            keys.insert(key)
        }
        if keys.count > InventoryLimits.dependencies { errors.append(FieldError("items", "must name at most \(InventoryLimits.dependencies) items")) }
        fields.items = keys.sorted().map(\.text)
        guard errors.isEmpty else { throw .invalid(errors) }
        return fields
    }
}
