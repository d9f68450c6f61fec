import Foundation

/// A set of changes delivered together, and the plan of their cutover.
public struct Release: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let key: ReleaseKey
    public var title: String
    /// Free text as the teams write it; see `semanticVersion` for the recognised form.
    public var version: String
    public var type: ReleaseType
    public var status: ReleaseStatus
    public var window: PlannedWindow?
    /// The target environment's name.
    public var environment: String?
    public var owner: String?
    /// Markdown.
    public var description: String
    public var objectives: [String]
    public var scope: [String]
    public let createdAt: Date
    public var updatedAt: Date
    /// Counts the writes; optimistic concurrency (`If-Match`) compares it.
    public var revision: Int

    public init(
        id: UUID = UUID(), key: ReleaseKey, fields: ReleaseFields, status: ReleaseStatus = .draft,
        createdAt: Date, updatedAt: Date? = nil, revision: Int = 1
    ) {
        self.id = id
        self.key = key
        self.title = fields.title
        self.version = fields.version
        self.type = fields.type
        self.status = status
        self.window = fields.window
        self.environment = fields.environment
        self.owner = fields.owner
        self.description = fields.description
        self.objectives = fields.objectives
        self.scope = fields.scope
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.revision = revision
    }

    public var semanticVersion: SemanticVersion? { SemanticVersion(version) }

    public var fields: ReleaseFields {
        ReleaseFields(
            title: title, version: version, type: type, window: window, environment: environment,
            owner: owner, description: description, objectives: objectives, scope: scope)
    }

    public var allowedTransitions: [ReleaseStatus] {
        ReleaseLifecycle.allowedTransitions(from: status, type: type)
    }

    /// The release with its plan replaced by `fields`, which must already be valid.
    /// Refused once the cutover has begun, and when it would strip a committed release
    /// of its window or environment.
    public func updating(with fields: ReleaseFields, at now: Date) throws(CoreError) -> Release {
        guard status.isPlanEditable else {
            throw .notEditable(status, reason: "its plan is frozen once the cutover has started")
        }
        var next = self
        next.title = fields.title
        next.version = fields.version
        next.type = fields.type
        next.window = fields.window
        next.environment = fields.environment
        next.owner = fields.owner
        next.description = fields.description
        next.objectives = fields.objectives
        next.scope = fields.scope
        if status.needsWindowAndEnvironment {
            let missing = RequiredFieldsGuard().failures(for: next, to: status)
            if !missing.isEmpty { throw .invalid(missing) }
        }
        next.touch(at: now)
        return next
    }

    /// The release moved to `target`, after the lifecycle and every guard agreed.
    public func transitioned(
        to target: ReleaseStatus, at now: Date, guards: [any TransitionGuard] = [RequiredFieldsGuard()]
    ) throws(CoreError) -> Release {
        guard ReleaseLifecycle.canMove(from: status, to: target, type: type) else {
            throw .forbiddenTransition(from: status, to: target, allowed: allowedTransitions)
        }
        let failures = guards.flatMap { $0.failures(for: self, to: target) }
        guard failures.isEmpty else { throw .requirementsNotMet(to: target, failures) }
        var next = self
        next.status = target
        next.touch(at: now)
        return next
    }

    /// Only a draft may be deleted: anything further has been seen by others and is kept.
    public func checkDeletable() throws(CoreError) {
        guard status == .draft else {
            throw .notEditable(status, reason: "only a draft can be deleted; cancel it instead")
        }
    }

    private mutating func touch(at now: Date) {
        updatedAt = max(now, updatedAt)
        revision += 1
    }
}
