import BasculeCore
import BasculeStore
import Foundation
import SQLKit

/// What an auditor is given of one release, read in one transaction so that the pack is one
/// consistent moment: the release, its plan and documents, changes, tests, approvals, policy
/// checks and overrides, runbook, runs with their logs, cutovers, incidents and its audit events.
public struct EvidenceService: Sendable {
    let store: Store
    let now: @Sendable () -> Date
    let gate: Gatekeeper

    init(store: Store, now: @escaping @Sendable () -> Date) {
        self.store = store
        self.now = millisecondClock(now)
        self.gate = Gatekeeper(store: store, now: now)
    }

    public struct Records: Sendable {
        public let release: Release
        public let plan: ReleasePlan
        public let planRevision: Int
        public let documents: [DocumentVersion]
        public let changes: [Change]
        public let tests: [TestCampaign]
        public let approval: ApprovalRound?
        public let checks: [PolicyCheck]
        public let overrides: [GateOverride]
        public let runbook: Runbook
        public let runbookRevision: Int
        public let runs: [Run]
        public let deployments: [Deployment]
        /// The environments it went through before its own, each deployment there and the tests since.
        public let promotion: PromotionPath
        public let incidents: [StoredAttribution]
        public let audit: [AuditEvent]
        public let gatheredAt: Date
    }

    /// The gates whose policy check the pack shows as they stand today.
    static let gates: [ReleaseStatus] = [.planned, .approved, .ready, .inProgress]

    public func gather(_ key: String) async throws -> Records {
        try await gate.require(.auditRead)
        try await gate.require(.releaseRead)
        let at = now()
        return try await refusing {
            try await store.transaction { db in
                let release = try await ReleaseService.load(key, from: ReleaseRepository(db))
                let plans = PlanRepository(db)
                let plan = try await plans.find(for: release)
                var documents: [DocumentVersion] = []
                for kind in DocumentKind.allCases { documents += try await DocumentRepository(db).history(kind, of: release) }
                var checks: [PolicyCheck] = []
                for target in Self.gates { checks.append(try await GateCheck.run(release, to: target, in: db, now: at, graphs: store.dependencyGraphs).check) }
                let runbook = try await RunbookRepository(db).find(for: release)
                var audit: [AuditEvent] = [], before: Int?
                repeat {
                    let page = try await AuditRepository(db).page(AuditQuery(target: release.key.description), limit: 500, before: before)
                    audit += page.items
                    before = page.next
                } while before != nil
                return Records(
                    release: release, plan: plan.plan, planRevision: plan.revision, documents: documents,
                    changes: try await ChangeRepository(db).all(of: release), tests: try await TestCampaignRepository(db).all(of: release),
                    approval: try await ApprovalRepository(db).latest(for: release), checks: checks,
                    overrides: try await ApprovalRepository(db).overrides(for: release), runbook: runbook.runbook, runbookRevision: runbook.revision,
                    runs: try await RunRepository(db, cache: store.runDefinitions).all(of: release),
                    deployments: try await DeploymentRepository(db).of(release: release.key.number),
                    promotion: try await PromotionService.path(of: release, in: db),
                    incidents: try await IncidentRepository(db).attributions(ofRelease: release.key.number),
                    audit: audit.sorted { $0.sequence < $1.sequence }, gatheredAt: at)
            }
        }
    }

    /// Writes in the audit trail that a pack was made, with its manifest's digest: the
    /// auditor's anchor when the manifest itself is in doubt.
    public func recordPack(_ key: String, manifestDigest: String, files: Int) async throws {
        try await gate.require(.auditRead)
        try await store.transaction { db in
            try await AuditLog.record(.evidencePack, target: key.uppercased(),
                                      summary: "evidence pack of \(files) files, manifest SHA-256 \(manifestDigest)", at: now(), in: db)
        }
    }
}
