import BasculeCore
import BasculeStore
import Foundation

/// The plan of a release and its documents (release notes, rollback plan).
public struct PlanService: Sendable {
    let store: Store
    let now: @Sendable () -> Date
    let gate: Gatekeeper

    public init(store: Store, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.now = millisecondClock(now)
        self.gate = Gatekeeper(store: store, now: now)
    }

    public func plan(of key: String) async throws -> (plan: ReleasePlan, revision: Int) {
        try await gate.require(.releaseRead, on: key)
        return try await refusing {
            try await store.withConnection { db in
                let release = try await ReleaseService.load(key, from: ReleaseRepository(db))
                return try await PlanRepository(db).find(for: release)
            }
        }
    }

    /// Replaces the plan whole. The plan stays editable until the cutover starts.
    public func replacePlan(of key: String, with plan: ReleasePlan, precondition: RevisionPrecondition? = nil) async throws -> (plan: ReleasePlan, revision: Int) {
        try await gate.require(.planEdit, on: key)
        return try await refusing {
            let valid = try plan.validated()
            return try await store.transaction { db in
                let release = try await ReleaseService.load(key, from: ReleaseRepository(db))
                guard release.status.isPlanEditable else {
                    throw ServiceError.conflict("a release in \(release.status.rawValue) cannot be changed: its plan is frozen once the cutover has started")
                }
                let plans = PlanRepository(db)
                let current = try await plans.find(for: release)
                if let precondition, !precondition.allows(current.revision) { throw ServiceError.stale(current: current.revision) }
                guard try await plans.save(valid, for: release, previousRevision: current.revision, at: now()) else {
                    throw ServiceError.stale(current: current.revision)
                }
                try await AuditLog.record(.planUpdate, target: release.key.description, summary: Self.summary(from: current.plan, to: valid), at: now(), in: db)
                return (valid, current.revision + 1)
            }
        }
    }

    /// The current version of a document (or the version asked for) and the list of all versions.
    public func document(_ kind: DocumentKind, of key: String, version: Int? = nil) async throws -> (current: DocumentVersion?, history: [DocumentVersion]) {
        try await gate.require(.releaseRead, on: key)
        return try await refusing {
            try await store.withConnection { db in
                let release = try await ReleaseService.load(key, from: ReleaseRepository(db))
                let history = try await DocumentRepository(db).history(kind, of: release)
                guard let version else { return (history.first, history) }
                guard let found = history.first(where: { $0.version == version }) else {
                    throw ServiceError.notFound("version \(version) of the \(kind.rawValue) of \(key)")
                }
                return (found, history)
            }
        }
    }

    /// Saves `content` as the next version of the document; `expectedVersion` guards against
    /// overwriting an edit made in between.
    public func writeDocument(_ kind: DocumentKind, of key: String, content: String, expectedVersion: Int? = nil) async throws -> DocumentVersion {
        try await gate.require(.planEdit, on: key)
        return try await refusing {
            guard content.count <= DocumentVersion.maximumLength else {
                throw ServiceError.invalid([FieldError("content", "must be at most \(DocumentVersion.maximumLength) characters")])
            }
            return try await store.transaction { db in
                let release = try await ReleaseService.load(key, from: ReleaseRepository(db))
                let documents = DocumentRepository(db)
                let current = try await documents.current(kind, of: release)?.version ?? 0
                if let expectedVersion, expectedVersion != current { throw ServiceError.stale(current: current) }
                let version = DocumentVersion(kind: kind, version: current + 1, content: content, author: RequestOrigin.current.actor, at: now())
                try await documents.append(version, to: release)
                try await AuditLog.record(.documentUpdate, target: release.key.description,
                                          summary: "\(kind.rawValue) version \(version.version) (\(content.count) characters)", at: version.at, in: db)
                return version
            }
        }
    }

    static func summary(from before: ReleasePlan, to after: ReleasePlan) -> String {
        let parts: [(String, Int, Int)] = [
            ("objectives", before.objectives.count, after.objectives.count), ("risks", before.risks.count, after.risks.count),
            ("milestones", before.milestones.count, after.milestones.count), ("resources", before.resources.count, after.resources.count),
            ("training", before.training.count, after.training.count), ("requirements", before.requirements.count, after.requirements.count),
            ("readiness", before.readiness.count, after.readiness.count),
        ]
        let counts = parts.map { "\($0.0) \($0.2)" }.joined(separator: ", ")
        let done = after.readiness.filter(\.done).count
        return "plan saved: \(counts); readiness \(done)/\(after.readiness.count) done"
    }
}
