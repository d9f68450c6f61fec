import BasculeCore
import BasculeStore
import Foundation
import SQLKit

/// A year of releases already behind the installation, generated with a fixed seed so that
/// the reports and indicators have something to show on first start: about two production
/// releases a week across eight applications, each run live (a few rolled back or left
/// failed, fewer as the year goes on), their changes, and incidents in the days after some of
/// them, attributed through the dependency graph, most confirmed, a few rejected. Written
/// straight into the store in one transaction (a year through the services would take a
/// minute); these releases therefore have no audit trail before today.
enum DemoHistory {
    struct Application {
        let name: String
        let tags: [String]
        let items: [String]
        /// What incidents after its releases affect: its items and the services above them.
        let symptoms: [String]
    }

    static let applications: [Application] = [
        Application(name: "ERP", tags: ["erp", "finance"], items: ["erp-app", "erp-db"], symptoms: ["erp-app", "svc-finance"]),
        Application(name: "Payroll", tags: ["payroll"], items: ["payroll-api", "payroll-batch", "hr-portal", "payroll-db"], symptoms: ["hr-portal", "svc-payroll"]),
        Application(name: "Online shop", tags: ["shop"], items: ["shop-front", "cart-svc", "catalogue-svc", "search"], symptoms: ["shop-front", "svc-eshop"]),
        Application(name: "CRM", tags: ["crm"], items: ["crm-app", "crm-db"], symptoms: ["crm-app", "svc-crm"]),
        Application(name: "Billing", tags: ["billing-engine"], items: ["billing-engine"], symptoms: ["billing-engine", "svc-billing"]),
        Application(name: "Customer portal", tags: ["customer-portal"], items: ["customer-portal", "mobile-backend"], symptoms: ["customer-portal", "svc-customer"]),
        Application(name: "Intranet", tags: ["intranet"], items: ["intranet"], symptoms: ["svc-intranet"]),
        Application(name: "Payments", tags: ["payments-api"], items: ["payments-gateway"], symptoms: ["payments-gateway", "svc-eshop"]),
    ]

    static let runbook = """
        steps:
          - {key: H1, title: Back up the database, phase: preparation, duration: 15m, kind: backup}
          - {key: H2, title: Stop the application, phase: cutover, duration: 5m, after: [H1], downtime: true, undoneBy: R1}
          - {key: H3, title: Deploy the new version, phase: cutover, duration: 20m, after: [H2], downtime: true, kind: command}
          - {key: H4, title: Smoke tests, phase: verification, duration: 10m, after: [H3]}
          - {key: R1, title: Restore the previous version, phase: rollback, duration: 20m}
        """

    /// Infrastructure incidents that no release caused (the graph finds no candidate for most).
    static let infrastructure = ["net-core", "san-01", "ldap", "mail-relay", "vm-cluster-b", "fw-core"]

    struct Random {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        mutating func pick<T>(_ list: [T]) -> T { list[min(list.count - 1, Int(next() * Double(list.count)))] }
    }

    /// Seeds the year before `now`; returns how many releases it added.
    static func seed(_ services: BasculeServices, now: Date) async throws -> Int {
        let (_, steps) = try RunbookDocument.parse(runbook)
        let start = now.addingTimeInterval(-365 * 86_400)
        return try await services.store.transaction { db in
            var random = Random(state: 20_261_204)
            let releases = ReleaseRepository(db), changes = ChangeRepository(db), runs = RunRepository(db)
            let deployments = DeploymentRepository(db), incidents = IncidentRepository(db)
            let graph = try await services.store.dependencyGraphs.graph(in: db)
            var versions: [String: Int] = [:]
            var added = 0, incidentNumber = 0
            var deployed: [Attribution.Deployment] = []
            var day = start
            while day < now.addingTimeInterval(-3 * 86_400) {
                // Tuesday and Thursday evenings, 21:00 Paris (20:00 UTC in winter, near enough).
                let weekday = Calendar(identifier: .gregorian).component(.weekday, from: day)
                defer { day = day.addingTimeInterval(86_400) }
                guard weekday == 3 || weekday == 5, random.next() < 0.95 else { continue }
                let progress = day.timeIntervalSince(start) / (365 * 86_400)
                for _ in 0..<(random.next() < 0.3 ? 2 : 1) {
                    let application = random.pick(applications)
                    let minor = (versions[application.name] ?? 0) + 1
                    versions[application.name] = minor
                    let roll = random.next()
                    let type: ReleaseType = roll < 0.06 ? .emergency : roll < 0.2 ? .patch : roll < 0.24 ? .major : .minor
                    let plannedStart = Calendar(identifier: .gregorian).startOfDay(for: day).addingTimeInterval(20 * 3600 + (random.next() < 0.5 ? 0 : 1800))
                    guard let window = PlannedWindow(start: plannedStart, end: plannedStart.addingTimeInterval(2 * 3600)) else { continue }
                    // Rollbacks and failures become rarer as the year goes on: the process learns.
                    let outcome = random.next()
                    let result: CutoverOutcome.Result = outcome < 0.09 - 0.06 * progress ? .rolledBack : outcome < 0.11 - 0.07 * progress ? .failed : .deployed
                    let key = try await releases.nextKey()
                    let fields = ReleaseFields(title: "\(application.name) \(3).\(minor)", version: "3.\(minor).0", type: type, window: window,
                                               environment: "production", owner: "Claire Martin",
                                               description: "A past release of \(application.name), from the demo's year of history.", tags: application.tags)
                    // Closed two weeks after the cutover, whatever its outcome (the cutover row keeps it).
                    let recent = now.timeIntervalSince(plannedStart) <= 14 * 86_400
                    let status: ReleaseStatus = !recent ? .closed : result == .deployed ? .deployed : result == .rolledBack ? .rolledBack : .failed
                    let release = Release(key: key, fields: fields, status: status, createdAt: plannedStart.addingTimeInterval(-30 * 86_400))
                    try await releases.insert(release)
                    // Changes made 2 to 30 days before, sooner as the year goes on.
                    var touched: [String] = []
                    for index in 0..<(1 + Int(random.next() * 2.5)) {
                        let item = random.pick(application.items)
                        touched.append(item)
                        let lead = (2 + random.next() * (28 - 18 * progress)) * 86_400
                        let change = Change(key: try await changes.nextKey(), releaseKey: key,
                                            fields: ChangeFields(title: "\(application.name): change \(index + 1)", status: .implemented, items: [item]),
                                            requestedBy: "pierre", createdAt: plannedStart.addingTimeInterval(-lead))
                        try await changes.insert(change, in: release)
                    }
                    // The live run: starts a little before or well after the window opens.
                    var run = Run(releaseKey: key, kind: .live, runbook: steps, at: plannedStart.addingTimeInterval(-1800))
                    var clock = plannedStart.addingTimeInterval(random.next() < 0.12 ? 3600 * (0.5 + random.next()) : 60 * random.next() * 10)
                    for step in ["H1", "H2", "H3", "H4"] {
                        _ = try run.apply(.start(step), by: "olivier", at: clock)
                        let planned = steps.steps.first { $0.key == step }?.plannedDuration ?? 600
                        clock = clock.addingTimeInterval(planned * (0.8 + 0.6 * random.next()))
                        if step == "H3", result != .deployed {
                            _ = try run.apply(.fail(step, comment: "the new version does not start"), by: "olivier", at: clock)
                            clock = clock.addingTimeInterval(300)
                            if result == .rolledBack {
                                _ = try run.apply(.rollback(reason: "the new version does not start"), by: "claire", at: clock)
                                for rollback in run.steps.indices where run.steps[rollback].segment == .rollback {
                                    let stepKey = run.steps[rollback].step.key
                                    _ = try run.apply(.start(stepKey), by: "olivier", at: clock)
                                    clock = clock.addingTimeInterval(1200 * (0.8 + 0.4 * random.next()))
                                    _ = try run.apply(.complete(stepKey), by: "olivier", at: clock)
                                }
                            } else {
                                _ = try run.apply(.abort(reason: "stopped to investigate; the release is left failed"), by: "claire", at: clock)
                            }
                            break
                        }
                        _ = try run.apply(.complete(step), by: "olivier", at: clock)
                    }
                    try await runs.insert(run, in: release, at: clock)
                    try await deployments.record(Deployment(live: run, release: release, environmentKind: .production, result: result, at: clock), releaseID: release.id)
                    added += 1
                    guard result != .rolledBack else { continue }
                    deployed.append(Attribution.Deployment(release: key.description, deployedAt: clock, items: touched.compactMap(CIKey.init)))
                    // Some releases are followed by an incident on what they touched or above it.
                    guard random.next() < 0.3 - 0.12 * progress else { continue }
                    incidentNumber += 1
                    let opened = clock.addingTimeInterval(3600 + random.next() * 3 * 86_400)
                    guard opened < now else { continue }
                    let incident = try Incident(reference: String(format: "INC%07d", 41_000 + incidentNumber), title: "\(application.name): errors after the release",
                                                severity: 2 + Int(random.next() * 2.5), openedAt: opened,
                                                resolvedAt: opened.addingTimeInterval(1200 + random.next() * random.next() * 2 * 86_400),
                                                items: [random.pick(application.symptoms)], link: nil)
                    let state: AttributionState = random.next() < 0.75 ? .confirmed : random.next() < 0.5 ? .rejected : .candidate
                    try await record(incident, state: state, among: deployed, graph: graph, in: db, incidents: incidents)
                }
                // Now and then an infrastructure incident that no release caused.
                if random.next() < 0.12 {
                    incidentNumber += 1
                    let opened = day.addingTimeInterval(random.next() * 86_400)
                    let incident = try Incident(reference: String(format: "INC%07d", 41_000 + incidentNumber), title: "Infrastructure: service degraded",
                                                severity: 1 + Int(random.next() * 3.5), openedAt: opened,
                                                resolvedAt: opened.addingTimeInterval(900 + random.next() * 8 * 3600), items: [random.pick(infrastructure)], link: nil)
                    try await record(incident, state: .candidate, among: deployed, graph: graph, in: db, incidents: incidents)
                }
            }
            return added
        }
    }

    /// Stores an incident with its candidates (the graph's, as for any incident), the most
    /// likely one decided as `state` says.
    private static func record(_ incident: Incident, state: AttributionState, among deployed: [Attribution.Deployment], graph: DependencyGraph,
                               in db: any SQLDatabase, incidents: IncidentRepository) async throws {
        let id = UUID()
        try await incidents.insert(incident, id: id, source: "demo", at: incident.openedAt)
        let recent = deployed.filter { incident.openedAt.timeIntervalSince($0.deployedAt) <= Attribution.defaultWindow }
        let candidates = Attribution.candidates(for: incident, among: recent, graph: graph)
        let releases = ReleaseRepository(db)
        var rows: [(releaseID: UUID, candidate: Attribution.Candidate)] = []
        for candidate in candidates {
            guard let key = ReleaseKey(candidate.release), let release = try await releases.find(key) else { continue }
            rows.append((release.id, candidate))
        }
        try await incidents.replaceCandidates(rows, of: id)
        if state != .candidate, let first = rows.first {
            _ = try await incidents.decide(incident: id, release: first.releaseID, state: state, by: "claire", at: incident.openedAt.addingTimeInterval(7200))
        }
    }
}
