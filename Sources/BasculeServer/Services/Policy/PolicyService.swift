import BasculeCore
import BasculeStore
import Foundation
import SQLKit

/// The release policy: its versions, and the check of a release against it.
public struct PolicyService: Sendable {
    let store: Store
    let now: @Sendable () -> Date
    let gate: Gatekeeper

    public init(store: Store, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.now = millisecondClock(now)
        self.gate = Gatekeeper(store: store, now: now)
    }

    /// The policy in force (or the version asked for) with its document; version 0 is the
    /// empty policy in force before anyone wrote one.
    public func get(version: Int? = nil) async throws -> (stored: PolicyVersion, policy: ReleasePolicy) {
        try await gate.require(.policyRead)
        return try await refusing {
            try await store.withConnection { db in
                let repository = PolicyRepository(db)
                let stored: PolicyVersion?
                if let version {
                    guard let found = try await repository.find(version: version) else { throw ServiceError.notFound("policy version \(version)") }
                    stored = found
                } else {
                    stored = try await repository.current()
                }
                guard let stored else {
                    return (PolicyVersion(version: 0, document: "rules: []\n", author: "system", at: Date(timeIntervalSince1970: 0)), .empty)
                }
                return (stored, try PolicyDocument.parse(stored.document, version: stored.version, kinds: PolicyInForce.kinds))
            }
        }
    }

    public func versions() async throws -> [PolicyVersion] {
        try await gate.require(.policyRead)
        return try await store.withConnection { try await PolicyRepository($0).versions() }
    }

    /// Validates `document` whole and stores it as the next version; an invalid document is
    /// refused with every error and the policy in force stays.
    public func replace(with document: String, precondition: RevisionPrecondition? = nil) async throws -> PolicyVersion {
        try await gate.require(.policyManage, on: "policy")
        return try await refusing {
            try await store.transaction { db in
                let repository = PolicyRepository(db)
                let current = try await repository.current()?.version ?? 0
                if let precondition, !precondition.allows(current) { throw ServiceError.stale(current: current) }
                let policy = try PolicyDocument.parse(document, version: current + 1, kinds: PolicyInForce.kinds)
                let stored = PolicyVersion(version: current + 1, document: document, author: RequestOrigin.current.actor, at: now())
                try await repository.append(stored)
                let kinds = Dictionary(grouping: policy.rules, by: \.kind).map { "\($0.value.count) \($0.key)" }.sorted().joined(separator: ", ")
                try await AuditLog.record(.policyUpdate, target: "policy", summary: "policy version \(stored.version): \(policy.rules.count) rule(s)\(kinds.isEmpty ? "" : " (\(kinds))"), time zone \(policy.clock.timeZone.identifier)", at: stored.at, in: db)
                return stored
            }
        }
    }

    /// Every rule's verdict for the release entering `target`, with the overrides it received.
    public func check(_ key: String, to target: ReleaseStatus) async throws -> (check: PolicyCheck, overrides: [GateOverride]) {
        try await gate.require(.releaseRead, on: key)
        return try await refusing {
            try await store.withConnection { db in
                let release = try await ReleaseService.load(key, from: ReleaseRepository(db))
                let check = try await GateCheck.run(release, to: target, in: db, now: now(), graphs: store.dependencyGraphs).check
                return (check, try await ApprovalRepository(db).overrides(for: release))
            }
        }
    }

    /// The risk score of the release now, with the factors that made it.
    public func riskScore(_ key: String) async throws -> RiskScore {
        try await gate.require(.releaseRead, on: key)
        return try await refusing {
            try await store.withConnection { db in
                try await score(try await ReleaseService.load(key, from: ReleaseRepository(db)), in: db)
            }
        }
    }

    /// The risk scores of the releases a list shows, read in one connection.
    public func riskScores(of releases: [Release]) async throws -> [ReleaseKey: RiskScore] {
        try await gate.require(.releaseRead)
        return try await refusing {
            try await store.withConnection { db in
                let policy = try await PolicyInForce.load(in: db)
                var scores: [ReleaseKey: RiskScore] = [:]
                for release in releases { scores[release.key] = try await score(release, in: db, policy: policy) }
                return scores
            }
        }
    }

    private func score(_ release: Release, in db: any SQLDatabase, policy: ReleasePolicy? = nil) async throws -> RiskScore {
        try await Self.assess(release, in: db, policy: policy, now: now(), graphs: store.dependencyGraphs).score
    }

    /// The release's risk score with the gate check it comes from (the rules failing at its next gate).
    static func assess(_ release: Release, in db: any SQLDatabase, policy: ReleasePolicy?, now: Date,
                       graphs: DependencyGraphCache) async throws -> (score: RiskScore, gate: GateCheck.Outcome) {
        let gate = try await GateCheck.run(release, to: release.nextGate, in: db, now: now, graphs: graphs, inForce: policy)
        let signals = RiskScore.Signals(overrides: try await ApprovalRepository(db).overrides(for: release),
                                        liveDelay: try await Self.liveDelay(of: release, in: db, now: now))
        return (RiskScore(dossier: gate.dossier, policyFailures: gate.check.failures, signals: signals), gate)
    }

    /// How far behind plan the live run under way is, from the durations known so far (the
    /// forecast's expected end, without its draws); nil without a live run under way.
    static func liveDelay(of release: Release, in db: any SQLDatabase, now: Date) async throws -> TimeInterval? {
        guard release.status == .inProgress else { return nil }
        let runs = try await RunRepository(db).all(of: release)
        guard let live = runs.first(where: { $0.kind == .live && !$0.status.isOver }) else { return nil }
        return live.forecast(plannedStart: release.window?.start ?? live.createdAt, rehearsals: RehearsalHistory(runs.filter { $0.kind == .rehearsal }),
                             now: now, draws: 1).delay
    }
}
