import BasculeCore
import BasculeStore
import Foundation
import SQLKit

/// Gathers what the gates read about a release, in the caller's transaction.
enum Dossier {
    /// The calendar's conflicts are looked up only when a rule of `policy` reads them.
    static func load(_ release: Release, in db: any SQLDatabase, now: Date, policy: ReleasePolicy, also earlier: ReleasePolicy? = nil,
                     graphs: DependencyGraphCache) async throws -> ReleaseDossier {
        let rules = policy.rules + (earlier?.rules ?? [])
        let needsCalendar = rules.contains { $0 is ConflictsRule }
        let needsRunbook = rules.contains { $0 is BackupBeforeDowntimeRule || $0 is RehearsedInterruptionRule }
        let needsRehearsals = rules.contains { $0 is RehearsalRule || $0 is RehearsedInterruptionRule }
        var dossier = ReleaseDossier(
            release: release, plan: try await PlanRepository(db).find(for: release).plan,
            changes: try await ChangeRepository(db).all(of: release), documents: try await DocumentRepository(db).present(for: release),
            campaigns: try await TestCampaignRepository(db).all(of: release), approvals: try await ApprovalRepository(db).latest(for: release),
            now: now, conflicts: needsCalendar ? try await CalendarSnapshot.conflicts(of: release, in: db, policy: policy, graphs: graphs) : nil,
            runbook: needsRunbook ? try await RunbookRepository(db).find(for: release).runbook : nil,
            rehearsals: needsRehearsals ? try await RunRepository(db).all(of: release).filter { $0.kind == .rehearsal }
                .map { run in
                    let measured = run.steps.compactMap(\.progress.measuredDowntime)
                    return RehearsalRecord(status: run.status, startedAt: run.startedAt, endedAt: run.endedAt,
                                           measuredInterruption: measured.isEmpty ? nil : measured.reduce(0, +))
                } : [])
        if rules.contains(where: { $0 is PublishedReviewRule }) { dossier.review = try await ReviewRepository(db).find(release.key) }
        if rules.contains(where: { $0 is ReviewActionsRule }) {
            let items = Set(dossier.changes.flatMap(\.fields.items)).sorted()
            let related = try await ReviewRepository(db).related(to: release, tags: release.fields.tags, items: items)
            dossier.overdueReviewActions = try await ActionRepository(db).overdue(ofReviews: related, at: now)
        }
        if rules.contains(where: { $0 is DependencyRule }) {
            let dependencies = try await DependencyRepository(db).touching(release.key).filter { $0.release == release.key }
            var standings: [ReleaseKey: DependencyRules.Standing] = [:]
            for dependency in dependencies {
                guard let other = try await ReleaseRepository(db).find(dependency.on) else { continue }
                standings[other.key] = DependencyRules.Standing(status: other.status, window: other.window)
            }
            dossier.dependencies = dependencies
            dossier.dependencyStandings = standings
        }
        if rules.contains(where: { $0 is PromotionRule }) { dossier.promotion = try await PromotionService.path(of: release, in: db) }
        return dossier
    }
}

/// The policy in force, read from the latest stored version.
enum PolicyInForce {
    /// The rule kinds this server understands; later capabilities append theirs.
    static let kinds = PolicyDocument.standardKinds

    static func load(in db: any SQLDatabase) async throws -> ReleasePolicy {
        guard let current = try await PolicyRepository(db).current() else { return .empty }
        return try parse(current)
    }

    /// The version the release was planned under (nil before it was), and that policy when it
    /// is not the current one.
    static func earlier(for release: Release, than current: ReleasePolicy, in db: any SQLDatabase) async throws -> (recorded: Int?, policy: ReleasePolicy?) {
        guard let version = try await ReleaseRepository(db).plannedUnderPolicy(release) else { return (nil, nil) }
        guard version != current.version, let stored = try await PolicyRepository(db).find(version: version) else { return (version, nil) }
        return (version, try parse(stored))
    }

    private static func parse(_ stored: PolicyVersion) throws -> ReleasePolicy {
        do {
            return try PolicyDocument.parse(stored.document, version: stored.version, kinds: kinds)
        } catch {
            // A stored version was valid when saved; failing now means a kind was removed from this binary.
            throw ServiceError.unavailable("the stored policy version \(stored.version) can no longer be read: \(error)")
        }
    }
}

/// A release before a gate: the current policy's check, held to the policy it was planned
/// under too (`PolicyCheck.holding(to:)`).
enum GateCheck {
    struct Outcome {
        let check: PolicyCheck
        let policy: ReleasePolicy
        let dossier: ReleaseDossier
        /// Whether the release already has a policy version as its floor.
        let floorRecorded: Bool
    }

    /// `inForce` saves reading and parsing the policy again when many releases are checked at once.
    static func run(_ release: Release, to target: ReleaseStatus, in db: any SQLDatabase, now: Date, graphs: DependencyGraphCache,
                    inForce: ReleasePolicy? = nil) async throws -> Outcome {
        let policy: ReleasePolicy
        if let inForce { policy = inForce } else { policy = try await PolicyInForce.load(in: db) }
        let earlier = try await PolicyInForce.earlier(for: release, than: policy, in: db)
        let dossier = try await Dossier.load(release, in: db, now: now, policy: policy, also: earlier.policy, graphs: graphs)
        let check = policy.check(dossier, to: target).holding(to: earlier.policy?.check(dossier, to: target))
        return Outcome(check: check, policy: policy, dossier: dossier, floorRecorded: earlier.recorded != nil)
    }
}

/// The approvals of a release are voided when its scope changes after they were given.
enum ApprovalVoiding {
    /// Voids the open round if it holds decisions or the release is already approved, and
    /// sends an approved or ready release back to planned. Returns the release as it now is.
    static func void(_ release: Release, because reason: String, in db: any SQLDatabase, at now: Date) async throws -> Release {
        let approvals = ApprovalRepository(db)
        guard let round = try await approvals.latest(for: release), round.isVoidedByScopeChange(of: release) else { return release }
        _ = try await approvals.void(round.voided(because: reason, at: now))
        let returned = release.returnedForApproval(at: now)
        if returned != release {
            guard try await ReleaseRepository(db).update(returned, previousRevision: release.revision) else {
                throw ServiceError.stale(current: release.revision)
            }
        }
        let back = returned.status != release.status ? "; the release is back to planned" : ""
        try await AuditLog.record(.approvalVoid, target: release.key.description,
                                  summary: "approvals voided because \(reason)\(back)", at: now, in: db)
        return returned
    }
}
