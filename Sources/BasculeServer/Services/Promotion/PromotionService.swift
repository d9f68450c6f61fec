import BasculeCore
import BasculeStore
import Foundation
import SQLKit

/// Promotion through environments: the path a release goes through, each deployment recorded
/// on it, and the promotion rule of the policy in force applied when one is recorded.
public struct PromotionService: Sendable {
    let store: Store
    let now: @Sendable () -> Date
    let gate: Gatekeeper

    public init(store: Store, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.now = millisecondClock(now)
        self.gate = Gatekeeper(store: store, now: now)
    }

    /// A release's path, and the promotion rule in force if there is one.
    public struct View: Sendable {
        public let release: Release
        public let path: PromotionPath
        public let rule: PromotionRule?

        /// What keeps the release from the next environment under the rule in force.
        public var blocker: PromotionPath.Blocker? {
            guard let rule, let next = path.next else { return nil }
            return path.blocker(before: next.environment.name, requiringTests: rule.requiringTests)
        }
    }

    /// What a person records: the release was deployed (or failed to be) to an environment.
    public struct Record: Sendable {
        public let environment: String
        public let outcome: EnvironmentDeployment.Outcome
        public let at: Date?
        public let run: String?
        public let note: String

        public init(environment: String, outcome: EnvironmentDeployment.Outcome, at: Date? = nil, run: String? = nil, note: String = "") {
            self.environment = environment
            self.outcome = outcome
            self.at = at
            self.run = run
            self.note = note
        }
    }

    public func path(of key: String) async throws -> View {
        try await gate.require(.releaseRead, on: key)
        return try await refusing {
            try await store.withConnection { db in
                try await Self.view(of: try await ReleaseService.load(key, from: ReleaseRepository(db)), in: db)
            }
        }
    }

    static func path(of release: Release, in db: any SQLDatabase) async throws -> PromotionPath {
        PromotionPath(target: release.fields.environment, environments: try await EnvironmentRepository(db).all(),
                      deployments: try await EnvironmentDeploymentRepository(db).all(of: release.key),
                      campaigns: try await TestCampaignRepository(db).all(of: release))
    }

    static func view(of release: Release, in db: any SQLDatabase) async throws -> View {
        let rule = try await PolicyInForce.load(in: db).rules.lazy.compactMap { $0 as? PromotionRule }.first
        return View(release: release, path: try await path(of: release, in: db), rule: rule)
    }

    /// Records a deployment of `key`. Refused: an environment off the release's path (422), a run
    /// of another release (422), and — under a promotion rule — a success on an environment
    /// whose predecessor has not allowed it yet (409, naming why). A failure is always recorded.
    public func record(in key: String, _ record: Record) async throws -> View {
        try await gate.require(.runExecute, on: key)
        return try await refusing {
            try await store.transaction { db in
                let release = try await ReleaseService.load(key, from: ReleaseRepository(db))
                let at = now(), when = record.at ?? at
                let note = try EnvironmentDeployment.validate(note: record.note, at: when, now: at)
                let before = try await Self.view(of: release, in: db)
                guard before.path.environments.contains(record.environment) else {
                    let path = before.path.environments
                    throw ServiceError.invalid([FieldError("environment", path.isEmpty
                        ? "\(release.key) has no promotion path: give it an environment first"
                        : "\(record.environment) is not on the promotion path of \(release.key) (\(path.joined(separator: ", ")))")])
                }
                let run = try await Self.run(record.run, of: release, in: db)
                if record.outcome.succeeded, let rule = before.rule,
                   let blocker = before.path.blocker(before: record.environment, requiringTests: rule.requiringTests) {
                    throw ServiceError.conflict("\(release.key) cannot be promoted to \(record.environment): \(blocker.english) (rule `\(rule.id)`)")
                }
                let deployment = EnvironmentDeployment(release: release.key, environment: record.environment, outcome: record.outcome, at: when,
                                                       run: run, recordedBy: RequestOrigin.current.actor, note: note)
                try await EnvironmentDeploymentRepository(db).insert(deployment, at: at)
                try await AuditLog.record(.promotionRecord, target: release.key.description,
                                          summary: "\(record.environment): \(record.outcome.rawValue)\(run.map { " (run \($0.uuidString.prefix(8)))" } ?? "")",
                                          at: at, in: db)
                return try await Self.view(of: release, in: db)
            }
        }
    }

    private static func run(_ text: String?, of release: Release, in db: any SQLDatabase) async throws -> UUID? {
        guard let text, !text.isEmpty else { return nil }
        guard let id = UUID(uuidString: text), try await RunRepository(db).releaseKey(of: id) == release.key else {
            throw ServiceError.invalid([FieldError("run", "names no run of \(release.key): \(text)")])
        }
        return id
    }

    /// The live run's end, on the release's own environment: recorded in the run's transaction.
    static func recordLiveEnd(_ run: Run, of release: Release, result: CutoverOutcome.Result, at now: Date, by actor: String,
                              in db: any SQLDatabase) async throws {
        guard let environment = release.fields.environment else { return }
        let outcome: EnvironmentDeployment.Outcome = switch result {
        case .deployed: .deployed
        case .rolledBack: .rolledBack
        case .failed: .failed
        }
        try await EnvironmentDeploymentRepository(db).insert(
            EnvironmentDeployment(release: release.key, environment: environment, outcome: outcome, at: now, run: run.id, recordedBy: actor,
                                  note: "live run"), at: now)
    }
}
