import BasculeCore
import BasculeStore
import Foundation
import SQLKit

/// Approval rounds: requesting, deciding, the inbox of each approver.
public struct ApprovalService: Sendable {
    let store: Store
    let now: @Sendable () -> Date
    let gate: Gatekeeper

    public init(store: Store, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.now = millisecondClock(now)
        self.gate = Gatekeeper(store: store, now: now)
    }

    /// The latest round of the release, or nil when approval was never requested.
    public func current(of key: String) async throws -> ApprovalRound? {
        try await gate.require(.releaseRead, on: key)
        return try await refusing {
            try await store.withConnection { db in
                try await ApprovalRepository(db).latest(for: try await ReleaseService.load(key, from: ReleaseRepository(db)))
            }
        }
    }

    /// Opens a round whose required approvers come from the policy's approval rules (and those
    /// of the policy the release was planned under). A round already open is replaced (voided)
    /// by the new one; two requests at once cannot both open one (a unique index, 409).
    public func request(_ key: String) async throws -> ApprovalRound {
        try await gate.require(.approvalRequest, on: key)
        return try await refusing {
            try await store.transaction { db in
                let release = try await ReleaseService.load(key, from: ReleaseRepository(db))
                guard release.acceptsApprovalRequest else {
                    throw ServiceError.conflict("approval is requested for a planned release; \(release.key) is \(release.status.rawValue)")
                }
                let policy = try await PolicyInForce.load(in: db)
                let earlier = try await PolicyInForce.earlier(for: release, than: policy, in: db).policy
                let dossier = try await Dossier.load(release, in: db, now: now(), policy: policy, also: earlier, graphs: store.dependencyGraphs)
                let requirements = policy.approvalRequirements(for: dossier, holdingTo: earlier)
                guard !requirements.isEmpty else {
                    throw ServiceError.conflict("the release policy asks no approval for \(release.key); move it to approved directly")
                }
                let approvals = ApprovalRepository(db)
                if let open = dossier.approvals, open.status == .open {
                    _ = try await approvals.void(open.voided(because: "approval was requested again", at: now()))
                }
                let round = ApprovalRound(requestedBy: RequestOrigin.current.actor, requestedAt: now(), requirements: requirements)
                try await approvals.insert(round, for: release)
                let needs = requirements.map { "\($0.count) from \($0.roles.map(\.rawValue).joined(separator: "/")) (\($0.rule))" }.joined(separator: ", ")
                try await AuditLog.record(.approvalRequest, target: release.key.description, summary: "approval requested: \(needs)", at: round.requestedAt, in: db)
                try await Notices.record(try await Notices.about(release, .approvalRequested, facts: ["needs": needs], at: round.requestedAt, in: db), in: db)
                return round
            }
        }
    }

    public func decide(_ key: String, decision: ApprovalDecisionKind, comment: String, conditions: String) async throws -> ApprovalRound {
        try await gate.require(.approvalDecide, on: key)
        return try await refusing {
            guard comment.textLength <= 5_000, conditions.textLength <= 5_000 else {
                throw ServiceError.invalid([FieldError(comment.textLength > 5_000 ? "comment" : "conditions", "must be at most 5000 characters")])
            }
            return try await store.transaction { db in
                let release = try await ReleaseService.load(key, from: ReleaseRepository(db))
                return try await Self.record(decision, comment: comment, conditions: conditions, on: release, at: now(), in: db).round
            }
        }
    }

    /// Records the signed-in person's decision in the release's open round, in the caller's
    /// transaction: the approvals page and a meeting's agenda both decide through here.
    static func record(_ decision: ApprovalDecisionKind, comment: String, conditions: String, on release: Release, at: Date,
                       in db: any SQLDatabase) async throws -> (made: ApprovalDecision, round: ApprovalRound) {
        let approvals = ApprovalRepository(db)
        guard let round = try await approvals.latest(for: release), round.awaitsDecisions(on: release) else {
            throw ServiceError.conflict("\(release.key) is not awaiting approval (request approval first)")
        }
        let origin = RequestOrigin.current
        let requesters = try await Self.changeRequesters(of: release, in: db)
        let made = ApprovalDecision(approver: origin.actor, roles: origin.principal.roles, decision: decision,
                                    comment: comment.trimmingCharacters(in: .whitespacesAndNewlines),
                                    conditions: conditions.trimmingCharacters(in: .whitespacesAndNewlines), at: at)
        let next = try round.deciding(made, changeRequesters: requesters, releaseOwner: release.fields.owner)
        try await approvals.add(made, to: round)
        let quorum = next.isApproved ? "; quorum reached" : ""
        try await AuditLog.record(.approvalDecide, target: release.key.description,
                                  summary: "\(decision.rawValue)\(made.comment.isEmpty ? "" : ": \(made.comment)")\(quorum)", at: made.at, in: db)
        try await Notices.record(try await Notices.about(release, .approvalDecided, facts: [
            "decision": decision.rawValue, "comment": made.comment, "approved": next.isApproved ? "true" : "false",
        ], at: made.at, in: db), in: db)
        return (made, next)
    }

    public struct InboxItem: Sendable {
        public let release: Release
        public let round: ApprovalRound
    }

    /// Every round awaiting decisions, for those who follow approvals without giving them
    /// (release managers): read-only, oldest request first.
    public func pending() async throws -> [InboxItem] {
        try await gate.require(.releaseRead)
        return try await refusing {
            try await store.withConnection { db in
                var items: [InboxItem] = []
                let releases = ReleaseRepository(db)
                for (number, round) in try await ApprovalRepository(db).open() {
                    guard let release = try await releases.find(ReleaseKey(number: number)), round.awaitsDecisions(on: release) else { continue }
                    items.append(InboxItem(release: release, round: round))
                }
                return items.sorted { $0.round.requestedAt < $1.round.requestedAt }
            }
        }
    }

    /// The open rounds this person may decide on and has not yet: the right role, no change of theirs in the release.
    public func inbox() async throws -> [InboxItem] {
        try await gate.require(.approvalDecide)
        return try await refusing {
            try await store.withConnection { db in
                let origin = RequestOrigin.current
                var items: [InboxItem] = []
                let releases = ReleaseRepository(db)
                for (number, round) in try await ApprovalRepository(db).open() {
                    guard let release = try await releases.find(ReleaseKey(number: number)), round.awaitsDecisions(on: release) else { continue }
                    let requesters = try await Self.changeRequesters(of: release, in: db)
                    let probe = ApprovalDecision(approver: origin.actor, roles: origin.principal.roles, decision: .approve, comment: "", at: now())
                    if (try? round.deciding(probe, changeRequesters: requesters, releaseOwner: release.fields.owner)) != nil { items.append(InboxItem(release: release, round: round)) }
                }
                return items
            }
        }
    }

    /// Who requested each change of the release: they never approve it.
    static func changeRequesters(of release: Release, in db: any SQLDatabase) async throws -> [ChangeKey: String] {
        Dictionary(try await ChangeRepository(db).all(of: release).map { ($0.key, $0.requestedBy) }, uniquingKeysWith: { first, _ in first })
    }
}
