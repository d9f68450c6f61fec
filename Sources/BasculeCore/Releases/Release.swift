import Foundation

/// A set of changes delivered together, and the plan of their cutover. The plan's fields
/// (`title`, `window`, `environment`…) read and write through to `fields`.
@dynamicMemberLookup
public struct Release: Sendable, Equatable, Identifiable {
    public let id: UUID
    public let key: ReleaseKey
    public var fields: ReleaseFields
    public var status: ReleaseStatus
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
        self.fields = fields
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.revision = revision
    }

    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<ReleaseFields, Value>) -> Value {
        get { fields[keyPath: keyPath] }
        set { fields[keyPath: keyPath] = newValue }
    }

    public var semanticVersion: SemanticVersion? { SemanticVersion(fields.version) }

    public var allowedTransitions: [ReleaseStatus] {
        ReleaseLifecycle.allowedTransitions(from: status, type: fields.type)
    }

    /// The release with its plan replaced by `fields`, which must already be valid.
    /// Refused once the cutover has begun, and when it would strip a committed release
    /// of its window or environment.
    public func updating(with fields: ReleaseFields, at now: Date) throws(CoreError) -> Release {
        guard status.isPlanEditable else {
            throw .notEditable(status, reason: "its plan is frozen once the cutover has started")
        }
        var next = self
        next.fields = fields
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
        guard ReleaseLifecycle.canMove(from: status, to: target, type: fields.type) else {
            throw .forbiddenTransition(from: status, to: target, allowed: allowedTransitions)
        }
        let failures = guards.flatMap { $0.failures(for: self, to: target) }
        guard failures.isEmpty else { throw .requirementsNotMet(to: target, failures) }
        var next = self
        next.status = target
        next.touch(at: now)
        return next
    }

    /// Back to planned because its approvals were voided (the scope changed after approval).
    /// Releases that are not approved or ready keep their status.
    public func returnedForApproval(at now: Date) -> Release {
        guard status == .approved || status == .ready else { return self }
        var next = self
        next.status = .planned
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
