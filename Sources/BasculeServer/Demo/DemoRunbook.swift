import BasculeCore
import BasculeStore
import Foundation

/// The demo's cutover: an ERP general-ledger migration with a 40-step runbook (and its rollback
/// steps), rehearsed twice in the past two weeks, and a live run started an hour and a half ago,
/// part done, so that the live page shows a forecast moving as steps are completed.
enum DemoRunbook {
    /// The runbook, its HTTP check aimed at the demo server itself (`BASCULE_URL`).
    static func yaml(server: String) -> String { template.replacingOccurrences(of: "BASCULE_URL", with: server) }

    private static let template = """
        variables: [application]
        steps:
          - {key: P01, title: "Announce the cutover to {{application}} users", phase: preparation, duration: 5m, kind: communication, owner: release-manager}
          - {key: P02, title: "Freeze batch jobs of {{application}}", phase: preparation, duration: 10m, after: [P01], owner: ops}
          - {key: P03, title: Check disk space on database servers, phase: preparation, duration: 5m, after: [P01], kind: command, owner: dba,
             command: {run: [df, -P, "."], timeout: 1m}}
          - {key: P04, title: Export the open ledger balances, phase: preparation, duration: 15m, after: [P02], owner: finance}
          - {key: P05, title: Back up the ERP database, phase: preparation, duration: 25m, after: [P03, P04], kind: command, owner: dba,
             command: {script: "f=${TMPDIR:-/tmp}/bascule-demo-erp-backup.dump; for t in ledger balances journals; do echo \\"dumping $t\\"; echo \\"$t $(date -u)\\" >> $f; sleep 1; done; echo \\"backup written to $f ($(wc -c < $f) bytes)\\"", timeout: 5m}}
          - {key: P06, title: Snapshot the application servers, phase: preparation, duration: 10m, after: [P02], kind: backup, owner: ops}
          - {key: P07, title: Verify the backup can be read, phase: preparation, duration: 10m, after: [P05], kind: checkpoint, owner: dba}
          - {key: C01, title: Stop the inbound interfaces, phase: cutover, duration: 5m, after: [P07, P06], downtime: true, undoneBy: R05, owner: integration}
          - {key: C02, title: Drain the message queues, phase: cutover, duration: 10m, after: [C01], kind: wait, downtime: true, owner: integration}
          - {key: C03, title: "Stop the {{application}} application servers", phase: cutover, duration: 5m, after: [C02], downtime: true, undoneBy: R04, owner: ops}
          - {key: C04, title: Run schema migration 1 (ledger tables), phase: cutover, duration: 20m, after: [C03], kind: command, downtime: true, undoneBy: R01, owner: dba}
          - {key: C05, title: Run schema migration 2 (indexes), phase: cutover, duration: 15m, after: [C04], kind: command, downtime: true, owner: dba}
          - {key: C06, title: Convert the open balances, phase: cutover, duration: 30m, after: [C05], kind: command, downtime: true, owner: dba}
          - {key: C07, title: Reconcile balance totals, phase: cutover, duration: 15m, after: [C06], kind: checkpoint, downtime: true, owner: finance}
          - {key: C08, title: "Deploy {{application}} 2.0 on the application servers", phase: cutover, duration: 15m, after: [C03], kind: command, downtime: true, undoneBy: R03, owner: ops}
          - {key: C09, title: Apply the 2.0 configuration, phase: cutover, duration: 10m, after: [C08], downtime: true, owner: ops}
          - {key: C10, title: Update the reporting connectors, phase: cutover, duration: 10m, after: [C08], owner: data}
          - {key: C11, title: Start the application servers, phase: cutover, duration: 5m, after: [C07, C09], downtime: true, owner: ops}
          - {key: C12, title: Warm up the caches, phase: cutover, duration: 10m, after: [C11], kind: wait, downtime: true, owner: ops}
          - {key: C13, title: Restart the inbound interfaces, phase: cutover, duration: 5m, after: [C12], downtime: true, owner: integration}
          - {key: C14, title: Replay the queued messages, phase: cutover, duration: 15m, after: [C13], owner: integration}
          - {key: C15, title: Switch the load balancer to the new pool, phase: cutover, duration: 5m, after: [C13], kind: command, owner: network}
          - {key: V01, title: Health check of the API, phase: verification, duration: 5m, after: [C15], kind: httpCheck, owner: ops,
             httpCheck: {url: "BASCULE_URL/health", bodyContains: '"status":"ok"', retries: 5, interval: 2s, deadline: 1m}}
          - {key: V02, title: Smoke tests of the ledger, phase: verification, duration: 15m, after: [V01], owner: qa}
          - {key: V03, title: Post a test journal entry, phase: verification, duration: 10m, after: [V02], owner: finance}
          - {key: V04, title: Check the month-end report, phase: verification, duration: 15m, after: [V02, C10], owner: finance}
          - {key: V05, title: Check the interfaces' error queues, phase: verification, duration: 10m, after: [C14], owner: integration}
          - {key: V06, title: Key users check their screens, phase: verification, duration: 20m, after: [V03], owner: finance}
          - {key: V07, title: Compare performance with the baseline, phase: verification, duration: 15m, after: [V01], kind: checkpoint, owner: ops}
          - {key: V08, title: Go / no-go, phase: verification, duration: 5m, after: [V04, V05, V06, V07], kind: goNoGo, owner: release-manager}
          - {key: V09, title: Re-enable the batch jobs, phase: verification, duration: 5m, after: [V08], owner: ops}
          - {key: V10, title: Announce the end of the cutover, phase: verification, duration: 5m, after: [V08], kind: communication, owner: release-manager}
          - {key: O01, title: Watch error rates for 30 minutes, phase: observation, duration: 30m, after: [V09], kind: wait, owner: ops}
          - {key: O02, title: Watch the first batch run, phase: observation, duration: 20m, after: [V09], owner: ops}
          - {key: O03, title: Check the interfaces' throughput, phase: observation, duration: 15m, after: [V09], owner: integration}
          - {key: O04, title: Help desk review of incoming calls, phase: observation, duration: 15m, after: [V10], owner: support}
          - {key: O05, title: Release the standby team, phase: observation, duration: 5m, after: [O01, O02, O03, O04], kind: communication, owner: release-manager}
          - {key: O06, title: Archive the cutover evidence, phase: observation, duration: 10m, after: [O05], owner: release-manager}
          - {key: O07, title: "Lift the change freeze on {{application}}", phase: observation, duration: 5m, after: [O05], owner: release-manager}
          - {key: O08, title: Close the cutover bridge, phase: observation, duration: 5m, after: [O06, O07], kind: communication, owner: release-manager}
          - {key: R01, title: Restore the ERP database from the backup, phase: rollback, duration: 40m, kind: command, owner: dba}
          - {key: R03, title: "Redeploy {{application}} 1.9", phase: rollback, duration: 15m, kind: command, owner: ops}
          - {key: R04, title: Start the 1.9 application servers, phase: rollback, duration: 5m, owner: ops}
          - {key: R05, title: Restart the inbound interfaces on 1.9, phase: rollback, duration: 5m, owner: integration}
        """

    /// A clock the seeding moves by hand, so that rehearsals and the live run have past times.
    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var current: Date
        init(_ start: Date) { current = start }
        var now: Date { lock.withLock { current } }
        func advance(_ seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }
    }

    /// Adds the release and its runs; returns 1 (the release added).
    static func seed(_ services: BasculeServices, now: Date, server: String) async throws -> Int {
        let yaml = yaml(server: server)
        guard let manager = try await services.store.withConnection({ try await UserRepository($0).named("manager") }) else { return 0 }
        let origin = RequestOrigin(principal: .user(Identity(userID: manager.id, username: manager.username, roles: manager.roles)))
        return try await RequestOrigin.$current.withValue(origin) {
            let (variables, runbook) = try RunbookDocument.parse(yaml)
            let steps = try RunbookTemplate(name: "erp-standard", variables: variables, runbook: runbook).instantiate(["application": "ERP"])
            // The live run's steps, each 15–45 % slower than planned (the same factor for a
            // step whenever asked); it started long enough ago for C05 to start ten minutes ago.
            func liveDuration(_ step: RunbookStep) -> TimeInterval {
                let hash = step.key.unicodeScalars.reduce(UInt64(11)) { ($0 &* 6364136223846793005) &+ UInt64($1.value) &+ 1442695040888963407 }
                return step.plannedDuration * (1.15 + Double(hash >> 40) / Double(1 << 24) * 0.3)
            }
            let toC05 = schedule(steps.mainSteps, duration: liveDuration)["C05"]?.start ?? 0
            let start = now.addingTimeInterval(-toC05 - 10 * 60)
            let release = try await services.releases.create(ReleaseInput(
                title: "ERP 2.0: general ledger migration", version: "2.0.0", type: .major, plannedStart: start,
                plannedEnd: start.addingTimeInterval(6 * 3600), environment: "production", owner: "Claire Martin",
                description: "Migration of the general ledger to ERP 2.0, rehearsed twice. **Live now**: open the Runbook tab and the live run.",
                tags: ["erp", "finance"]))
            let key = release.key.description
            try await dossier(key, services: services, now: now)
            _ = try await services.runbooks.saveTemplate("erp-standard", yaml: yaml)
            _ = try await services.runbooks.instantiate(key, template: "erp-standard", values: ["application": "ERP"])
            let demo = "Demo: the live run happens now, whatever the day, to show the live view"
            for status in [ReleaseStatus.planned, .approved, .ready] {
                _ = try await services.releases.transition(key, to: status, override: demo)
                if status == .planned { try await approve(key, services: services) }
            }
            // Two rehearsals, two weeks and one week ago, each step a little off its plan.
            var seed: UInt64 = 7
            func factor() -> Double {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                return 0.8 + Double(seed >> 40) / Double(1 << 24) * 0.7
            }
            for daysAgo in [14.0, 7.0] {
                let clock = Clock(now.addingTimeInterval(-daysAgo * 86_400))
                let timed = RunService(store: services.store, now: { clock.now }, events: services.runs.events)
                let run = try await timed.create(in: key, kind: .rehearsal)
                try await complete(run, through: nil, with: timed, clock: clock) { $0.plannedDuration * factor() }
            }
            // The live run, started an hour and a half ago, now in the middle of the migration.
            let clock = Clock(start)
            let timed = RunService(store: services.store, now: { clock.now }, events: services.runs.events)
            let live = try await timed.create(in: key, kind: .live, override: demo)
            // The data team has not started on the reporting connectors yet: a step waits to be started.
            try await complete(live, through: "C05", with: timed, clock: clock, held: ["C10"], duration: liveDuration)
            return 1
        }
    }

    /// What a release manager prepares before a cutover of this size: the plan, the rollback
    /// plan and the notes, the changes, the test campaigns and the approval of the CAB.
    private static func dossier(_ key: String, services: BasculeServices, now: Date) async throws {
        let day: TimeInterval = 86_400
        _ = try await services.plans.replacePlan(of: key, with: ReleasePlan(
            objectives: [
                Objective(statement: "Close the month on ERP 2.0", successCriterion: "Month-end closing done in ERP 2.0 within the usual three days"),
                Objective(statement: "No loss of ledger data", successCriterion: "Balances reconcile to the cent between 1.9 and 2.0"),
            ],
            scopeIn: ["General ledger", "Open balances", "Reporting connectors", "Inbound interfaces"], scopeOut: ["Fixed assets (next release)", "Payroll journal"],
            risks: [
                Risk(title: "Balance conversion slower on production volumes", probability: 3, impact: 4,
                     mitigation: "Conversion rehearsed twice on a copy of production; standby DBA on the bridge", owner: "DBA team"),
                Risk(title: "Replayed interface messages posted twice", probability: 2, impact: 4, mitigation: "Idempotent replay checked in rehearsal",
                     owner: "Integration team", status: .mitigated),
                Risk(title: "Key users unavailable for the morning checks", probability: 2, impact: 2, mitigation: "Named deputies", owner: "Finance", status: .accepted),
            ],
            milestones: [
                Milestone(name: "First rehearsal", due: now.addingTimeInterval(-14 * day), doneAt: now.addingTimeInterval(-14 * day)),
                Milestone(name: "Finance sign-off of the rehearsal", due: now.addingTimeInterval(-6 * day), doneAt: now.addingTimeInterval(-6 * day)),
                Milestone(name: "Hypercare ends", due: now.addingTimeInterval(7 * day)),
            ],
            resources: [Resource(name: "Claire Martin", kind: .person, role: .accountable), Resource(name: "dba", kind: .team, role: .responsible),
                        Resource(name: "finance", kind: .team, role: .consulted), Resource(name: "support", kind: .team, role: .informed)],
            training: [TrainingItem(title: "Ledger 2.0 for accountants", audience: .endUsers, due: now.addingTimeInterval(-3 * day), done: true),
                       TrainingItem(title: "Runbook walkthrough for the night team", audience: .itStaff, due: now.addingTimeInterval(-1 * day), done: true)],
            requirements: [NonFunctionalRequirement(category: .performance, target: "Trial balance in under 30 s", verification: "Timed in the second rehearsal", status: .verified),
                           NonFunctionalRequirement(category: .availability, target: "Ledger closed at most 4 h", verification: "Measured during the cutover")],
            readiness: [ReadinessItem(title: "Monitoring probes in place", done: true), ReadinessItem(title: "Backups of every configuration touched", done: true),
                        ReadinessItem(title: "Known failures documented", done: true), ReadinessItem(title: "Support team briefed", done: true),
                        ReadinessItem(title: "Hypercare rota confirmed")]))
        _ = try await services.plans.writeDocument(.rollbackPlan, of: key, content: """
            Decided at the go/no-go (V08) or on a failed reconciliation (C07):
            1. Stop the 2.0 application servers.
            2. Restore the ERP database from the backup of P05 (40 min).
            3. Redeploy ERP 1.9 and start it.
            4. Restart the inbound interfaces on 1.9; the queued messages replay there.
            """)
        _ = try await services.plans.writeDocument(.releaseNotes, of: key, content: """
            ## ERP 2.0
            - The general ledger moves to the new chart of accounts.
            - Trial balance and month-end reports run in seconds.
            - Reporting connectors read the new ledger tables.
            """)
        for (title, kind, items) in [("Ledger tables and balance conversion", ChangeKind.software, ["erp-db"]),
                                     ("ERP 2.0 application and configuration", .software, ["erp-app"]),
                                     ("Reporting connectors to the new ledger", .configuration, ["erp-app"])] {
            _ = try await services.changes.create(in: key, ChangeFields(
                title: title, description: "", category: .normal, kind: kind, link: "https://git.example.com/erp/-/merge_requests/2.0",
                risk: .high, rollback: "Restore the database and redeploy 1.9.", items: items))
        }
        _ = try await services.tests.record(in: key, .init(kind: .regression, environment: "preproduction", evidence: "https://ci.example.com/erp/2.0"),
                                           result: TestResult(passed: 1_236, failed: 0, skipped: 4, failingTests: []))
        _ = try await services.tests.record(in: key, .init(kind: .performance, environment: "preproduction"),
                                           result: TestResult(passed: 18, failed: 0, skipped: 0, failingTests: []))
    }

    /// The CAB's approval, once the release is planned.
    static func approve(_ key: String, services: BasculeServices) async throws {
        _ = try await services.approvals.request(key)
        if let approver = try await services.store.withConnection({ try await UserRepository($0).named("approver") }) {
            let origin = RequestOrigin(principal: .user(Identity(userID: approver.id, username: approver.username, roles: approver.roles)))
            _ = try await RequestOrigin.$current.withValue(origin) {
                try await services.approvals.decide(key, decision: .approve, comment: "Rehearsals reconciled; rollback plan reviewed.", conditions: "")
            }
        }
    }

    /// When each step starts and how long each of its attempts takes (two when it is `failing`),
    /// run as a team runs them: each as soon as the steps it follows are done, several at once
    /// where the runbook allows. `duration` is asked once per attempt.
    static func schedule(_ steps: [RunbookStep], failing: Set<String> = [],
                         duration: (RunbookStep) -> TimeInterval) -> [String: (start: TimeInterval, attempts: [TimeInterval])] {
        let graph = RunbookGraph(steps)
        var ends: [String: TimeInterval] = [:]
        var result: [String: (start: TimeInterval, attempts: [TimeInterval])] = [:]
        for index in graph.order.map(Int.init) {
            let step = steps[index]
            let start = step.predecessors.compactMap { ends[$0] }.max() ?? 0
            let attempts = (failing.contains(step.key) ? [duration(step)] : []) + [duration(step)]
            ends[step.key] = start + attempts.reduce(0, +)
            result[step.key] = (start, attempts)
        }
        return result
    }

    /// Runs the steps as `schedule` times them, from the clock's time, until `stop` has been
    /// started (what began before it stays as it is), or to the end with a go. A `failing`
    /// step fails once and is tried again; a `held` step is not started (its owner is late).
    static func complete(_ run: Run, through stop: String?, with service: RunService, clock: Clock, failing: Set<String> = [],
                         held: Set<String> = [], duration: (RunbookStep) -> TimeInterval) async throws {
        let id = run.id.uuidString
        let steps = run.steps.filter { $0.segment == .main }.map(\.step)
        // What happens at each moment: ends before starts, a failure before its retry.
        var events: [(at: TimeInterval, rank: Int, key: String, command: RunCommand)] = []
        let planned = schedule(steps, failing: failing, duration: duration)
        for step in steps {
            guard let timing = planned[step.key] else { continue }
            var at = timing.start
            events.append((at, 2, step.key, .start(step.key)))
            for (attempt, length) in timing.attempts.enumerated() {
                at += length
                if attempt < timing.attempts.count - 1 {
                    events.append((at, 0, step.key, .fail(step.key, comment: "Timed out on a lock; the batch holding it was stopped")))
                    events.append((at, 1, step.key, .retry(step.key, comment: "Lock released")))
                } else {
                    events.append((at, 0, step.key, step.kind == .goNoGo ? .decide(step.key, .go, reason: "Every check green") : .complete(step.key)))
                }
            }
        }
        events.sort { ($0.at, $0.rank, $0.key) < ($1.at, $1.rank, $1.key) }
        let origin = clock.now
        for event in events where !held.contains(event.key) {
            clock.advance(origin.addingTimeInterval(event.at).timeIntervalSince(clock.now))
            _ = try await service.act(id, event.command)
            if case .start(let key) = event.command, key == stop { return }
        }
    }
}
