import BasculeCore
import BasculeStore
import Foundation

/// The demo's rolling update: the web shop moved from 2.3.1 to 2.4.0 behind HAProxy, three
/// instances one at a time, rehearsed three days ago by the agent `lb-demo` with its probe
/// measuring what users saw (a few slow answers while the second instance drained). The
/// agent is registered but not running: starting `bascule agent --name lb-demo` is how a
/// newcomer would run the next rehearsal for real (docs/AGENTS.md).
enum DemoRollingUpdate {
    static let agent = "lb-demo"

    static let yaml = """
        steps:
          - {key: A01, title: Tell the shop's support team, phase: preparation, duration: 5m, kind: communication, owner: release-manager}
          - key: R01
            title: Roll the shop to 2.4.0 behind HAProxy
            phase: cutover
            duration: 10m
            after: [A01]
            kind: rollingUpdate
            owner: ops
            runsOn: {agent: lb-demo}
            rollingUpdate:
              service: shop
              version: "2.4.0"
              instances:
                - {name: web-1, address: "10.0.4.11:8080"}
                - {name: web-2, address: "10.0.4.12:8080"}
                - {name: web-3, address: "10.0.4.13:8080"}
              stop: "ssh deploy@${BASCULE_ADDRESS%%:*} sudo systemctl stop shop"
              start: "ssh deploy@${BASCULE_ADDRESS%%:*} sudo /opt/shop/switch {{version}}"
              versionCommand: "curl -fsS http://{{address}}/version"
              batchSize: 1
              healthCheck: {url: "http://{{address}}/health", interval: 1s}
              minHealthy: 20s
              instanceDeadline: 2m
              failureLimit: 0
              maxInterruption: 2s
              balancer: {haproxy: /run/haproxy/admin.sock, backend: shop, drain: true, drainTimeout: 30s}
              probe: {url: "https://shop.example/", rate: 20}
          - {key: V01, title: Smoke test the checkout, phase: verification, duration: 10m, after: [R01], owner: qa}
        """

    /// Adds the release and its rehearsal; returns 1 (the release added).
    static func seed(_ services: BasculeServices, now: Date) async throws -> Int {
        let registered = try await RequestOrigin.asSystem {
            let token = try await services.agents.createRegistrationToken().secret
            return try await services.agents.register(token: token, name: agent, labels: ["role": "lb"], version: BasculeVersion.current, host: "lb-01.demo").agent
        }
        guard let manager = try await services.store.withConnection({ try await UserRepository($0).named("manager") }) else { return 0 }
        let origin = RequestOrigin(principal: .user(Identity(userID: manager.id, username: manager.username, roles: manager.roles)))
        return try await RequestOrigin.$current.withValue(origin) {
            let start = now.addingTimeInterval(4 * 86_400)
            let release = try await services.releases.create(ReleaseInput(
                title: "Web shop 2.4: rolling update behind HAProxy", version: "2.4.0", type: .minor, plannedStart: start,
                plannedEnd: start.addingTimeInterval(3600), environment: "production", owner: "Claire Martin",
                description: "Three instances moved one at a time, drained first. The rehearsal measured what users saw: open the Runbook tab, then the rehearsal.",
                tags: ["shop", "web"]))
            let key = release.key.description
            _ = try await services.runbooks.importYAML(key, yaml)
            let clock = DemoRunbook.Clock(now.addingTimeInterval(-3 * 86_400))
            let timed = RunService(store: services.store, now: { clock.now }, events: services.runs.events)
            let run = try await timed.create(in: key, kind: .rehearsal)
            let id = run.id.uuidString
            _ = try await timed.act(id, .start("A01"))
            clock.advance(240)
            _ = try await timed.act(id, .complete("A01"))
            try await rehearse(run.id, on: registered, with: timed, clock: clock, in: services.store)
            clock.advance(420)
            _ = try await timed.act(id, .start("V01"))
            clock.advance(540)
            _ = try await timed.act(id, .complete("V01", note: "Three orders placed and paid"))
            return 1
        }
    }

    /// The rolling update as its agent ran it: started, reported, completed with its measured interruption.
    private static func rehearse(_ run: UUID, on agent: Agent, with timed: RunService, clock: DemoRunbook.Clock, in store: Store) async throws {
        let attempt = StepAttempt(id: UUID(), runID: run, step: "R01", number: 1, agent: agent.name, startedAt: clock.now, heartbeatAt: clock.now)
        let asAgent = RequestOrigin(principal: .agent(agent.name))
        _ = try await RequestOrigin.$current.withValue(asAgent) {
            try await timed.act(on: run, decide: { _ in .start("R01") }) { db, _, _ in
                try await AttemptRepository(db).insert(attempt, agentID: agent.id)
                return []
            }
        }
        let report = Self.report()
        clock.advance(report.elapsed)
        _ = try await RequestOrigin.$current.withValue(asAgent) {
            try await timed.act(on: run, decide: { _ in .complete("R01", note: "attempt 1 on \(agent.name): \(report.summary)", downtime: report.probe?.figures.totalSeconds) }) { db, _, action in
                _ = try await AttemptRepository(db).end(attempt.id, state: .succeeded, exitCode: nil, outcome: action.text, at: clock.now)
                try await RollingReportRepository(db).save(report, attempt: attempt.id, run: run, step: "R01", at: clock.now)
                return []
            }
        }
    }

    /// Three batches of one instance, 20 s healthy each; the second instance's drain held a few
    /// requests a little over a second.
    static func report() -> RollingReport {
        var report = RollingReport(service: "shop", version: "2.4.0", instances: (1...3).map {
            RollingReport.Instance(name: "web-\($0)", from: "2.3.1", version: "2.4.0", state: .healthy, batch: $0)
        }, phase: .done)
        report.batches = [RollingReport.Batch(number: 1, instances: ["web-1"], start: 0.6, end: 31.2),
                          RollingReport.Batch(number: 2, instances: ["web-2"], start: 31.2, end: 63.9),
                          RollingReport.Batch(number: 3, instances: ["web-3"], start: 63.9, end: 95.1)]
        let samples = (0..<1902).map { index -> ProbeSample in
            let sentAt = Double(index) * 0.05
            let slow = (38.0..<38.2).contains(sentAt)
            return ProbeSample(sentAt: sentAt, status: 200, latency: slow ? 1.2 : 0.006 + Double(index % 7) * 0.001)
        }
        let rule = ProbeRule()
        report.probe = RollingReport.probe(url: "https://shop.example/", rate: 20, samples: samples, until: 95.1, rule: rule)
        let whole = Interruption.measure(samples, interval: 0.05, until: 95.1, rule: rule)
        for index in report.batches.indices {
            let batch = report.batches[index]
            report.batches[index].interruption = RollingReport.ProbeFigures(whole.within(batch.start, batch.end ?? 95.1, samples: samples, rule: rule))
        }
        report.elapsed = 95.3
        return report
    }
}
