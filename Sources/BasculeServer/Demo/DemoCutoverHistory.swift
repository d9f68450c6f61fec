import BasculeCore
import BasculeStore
import Foundation

/// Past cutovers, so that the forecast has an installation to learn from and the calibration
/// report has a history: six releases of the last five months, each rehearsed twice and then
/// run live to the end, live runs a little slower than their rehearsals (the ERP ones more so,
/// like the ERP cutover under way), one with a step that failed and was tried again.
enum DemoCutoverHistory {
    static let yaml = """
        variables: [application]
        steps:
          - {key: A01, title: "Announce the deployment of {{application}}", phase: preparation, duration: 5m, kind: communication, owner: release-manager}
          - {key: A02, title: Back up the database, phase: preparation, duration: 20m, after: [A01], kind: backup, owner: dba}
          - {key: A03, title: "Stop {{application}}", phase: cutover, duration: 5m, after: [A02], downtime: true, undoneBy: R02, owner: ops}
          - {key: A04, title: Migrate the schema, phase: cutover, duration: 15m, after: [A03], kind: command, downtime: true, undoneBy: R01, owner: dba}
          - {key: A05, title: "Deploy the new version of {{application}}", phase: cutover, duration: 10m, after: [A03], kind: command, downtime: true, owner: ops}
          - {key: A06, title: Apply the configuration, phase: cutover, duration: 5m, after: [A05], downtime: true, owner: ops}
          - {key: A07, title: "Start {{application}}", phase: cutover, duration: 5m, after: [A04, A06], downtime: true, owner: ops}
          - {key: A08, title: Health check of the API, phase: verification, duration: 5m, after: [A07], kind: httpCheck, owner: ops}
          - {key: A09, title: Smoke tests, phase: verification, duration: 15m, after: [A08], owner: qa}
          - {key: A10, title: Go / no-go, phase: verification, duration: 5m, after: [A09], kind: goNoGo, owner: release-manager}
          - {key: A11, title: Watch error rates, phase: observation, duration: 20m, after: [A10], kind: wait, owner: ops}
          - {key: A12, title: Announce the end of the deployment, phase: observation, duration: 5m, after: [A11], kind: communication, owner: release-manager}
          - {key: R01, title: Restore the database from the backup, phase: rollback, duration: 30m, kind: command, owner: dba}
          - {key: R02, title: "Start the previous {{application}}", phase: rollback, duration: 5m, owner: ops}
        """

    struct Past {
        let title: String
        let version: String
        let application: String
        let tags: [String]
        let daysAgo: Int
        /// How much slower than its rehearsals the live run went.
        let slowdown: Double
        let failing: Set<String>
    }

    static let past: [Past] = [
        Past(title: "ERP 1.8: ledger patch", version: "1.8.3", application: "ERP", tags: ["erp", "finance"], daysAgo: 150, slowdown: 1.14, failing: []),
        Past(title: "Billing 4.1", version: "4.1.0", application: "billing", tags: ["billing-engine"], daysAgo: 120, slowdown: 1.04, failing: []),
        Past(title: "ERP 1.9", version: "1.9.0", application: "ERP", tags: ["erp", "finance"], daysAgo: 90, slowdown: 1.18, failing: ["A04"]),
        Past(title: "Customer portal 2.9", version: "2.9.0", application: "portal", tags: ["customer-portal"], daysAgo: 60, slowdown: 1.02, failing: []),
        Past(title: "ERP 1.9.2: closing fixes", version: "1.9.2", application: "ERP", tags: ["erp", "finance"], daysAgo: 45, slowdown: 1.09, failing: []),
        Past(title: "Payments API 2.8", version: "2.8.0", application: "payments", tags: ["payments-api"], daysAgo: 30, slowdown: 1.06, failing: []),
    ]

    /// Adds the releases and their runs, as the release manager; returns how many releases.
    static func seed(_ services: BasculeServices, now: Date) async throws -> Int {
        guard let manager = try await services.store.withConnection({ try await UserRepository($0).named("manager") }) else { return 0 }
        let origin = RequestOrigin(principal: .user(Identity(userID: manager.id, username: manager.username, roles: manager.roles)))
        return try await RequestOrigin.$current.withValue(origin) { try await seedReleases(services, now: now) }
    }

    private static func seedReleases(_ services: BasculeServices, now: Date) async throws -> Int {
        // Seeded after the policy, which they predate: its gates are passed over, with this reason.
        let demo = "Demo: a past cutover, from before the policy"
        _ = try await services.runbooks.saveTemplate("app-deploy", yaml: yaml)
        var seed: UInt64 = 29
        func uniform() -> Double {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Double(seed >> 40) / Double(1 << 24)
        }
        for past in past {
            let start = now.addingTimeInterval(-Double(past.daysAgo) * 86_400)
            let release = try await services.releases.create(ReleaseInput(
                title: past.title, version: past.version, type: .minor, plannedStart: start, plannedEnd: start.addingTimeInterval(3 * 3600),
                environment: "production", owner: "Claire Martin", description: "Deployed with the standard runbook, rehearsed twice.", tags: past.tags))
            let key = release.key.description
            let steps = try await services.runbooks.instantiate(key, template: "app-deploy", values: ["application": past.application]).runbook.mainSteps
            for status in [ReleaseStatus.planned, .approved, .ready] {
                _ = try await services.releases.transition(key, to: status, override: demo)
                if status == .planned { try await DemoRunbook.approve(key, services: services) }
            }
            // Each step's own duration in this release, then each run's noise around it.
            let own = Dictionary(uniqueKeysWithValues: steps.map { ($0.key, $0.plannedDuration * (0.8 + 0.5 * uniform())) })
            for daysBefore in [10.0, 4.0] {
                let clock = DemoRunbook.Clock(start.addingTimeInterval(-daysBefore * 86_400))
                let timed = RunService(store: services.store, now: { clock.now }, events: services.runs.events)
                let run = try await timed.create(in: key, kind: .rehearsal)
                try await DemoRunbook.complete(run, through: nil, with: timed, clock: clock) { (own[$0.key] ?? $0.plannedDuration) * (0.92 + 0.16 * uniform()) }
            }
            let clock = DemoRunbook.Clock(start)
            let timed = RunService(store: services.store, now: { clock.now }, events: services.runs.events)
            let live = try await timed.create(in: key, kind: .live, override: demo)
            try await DemoRunbook.complete(live, through: nil, with: timed, clock: clock, failing: past.failing) {
                (own[$0.key] ?? $0.plannedDuration) * past.slowdown * (0.92 + 0.16 * uniform())
            }
        }
        return past.count
    }
}
