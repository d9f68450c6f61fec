import BasculeCore
import BasculeServer
import BasculeStore
import BasculeTestSupport
import Foundation
import Testing

/// Rolling updates on a real database: the report the agent sends, the rollback an operator
/// asks for, and the measured interruption kept as the step's downtime.
@Suite("Rolling updates")
struct RollingUpdateServiceTests {
    static let runbook = """
        steps:
          - key: roll
            title: Roll the shop
            duration: 5m
            kind: rollingUpdate
            runsOn: role=lb
            rollingUpdate:
              service: shop
              version: "2"
              instances: [web-1, web-2]
              stop: "true"
              start: "true"
              versionCommand: "echo 2"
              healthCheck: {url: "http://{{address}}/health"}
              probe: {url: "http://127.0.0.1:1/"}
          - {key: sign, title: Sign off, duration: 1m, after: [roll], kind: manual}
        """

    static func report(_ phase: RollingReport.Phase) -> RollingReport {
        var report = RollingReport(service: "shop", version: "2", instances: [RollingReport.Instance(name: "web-1", from: "1", version: "2", state: .healthy, batch: 1),
                                                                               RollingReport.Instance(name: "web-2", from: "1")], phase: phase)
        report.batches = [RollingReport.Batch(number: 1, instances: ["web-1"], start: 0.2, end: 3.1)]
        report.probe = RollingReport.probe(url: "http://shop/", rate: 20, samples: [ProbeSample(sentAt: 0, status: 200, latency: 0.01)], until: 1, rule: ProbeRule())
        return report
    }

    @Test("the agent running a rolling update gets its spec, and its report is kept and read back", arguments: TestEngine.available)
    func reportKept(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in try await RequestOrigin.asSystem {
            // given
            let services = AgentFixture.services(store, TestClock())
            let lb = try await AgentFixture.agent(services, "lb-1", labels: ["role": "lb"])
            let run = try await AgentFixture.rehearsal(services, Self.runbook)
            let work = try #require(try await services.agents.poll(lb))
            // when
            try await services.agents.saveReport(lb, attempt: work.attempt.id, report: Self.report(.rolling))
            try await services.agents.saveReport(lb, attempt: work.attempt.id, report: Self.report(.done))
            // then
            #expect(work.rollingUpdate?.instances.map(\.name) == ["web-1", "web-2"])
            let stored = try #require(try await services.agents.rollingReports(run: run.id.uuidString)["roll"])
            #expect(stored.report == Self.report(.done))
            #expect(stored.attempt == work.attempt.id)
        } }
    }

    @Test("a report from an agent that does not hold the attempt is refused with 409")
    func reportOfAnother() async throws {
        try await TestDatabase.with(.sqlite) { store in try await RequestOrigin.asSystem {
            // given
            let services = AgentFixture.services(store, TestClock())
            let lb = try await AgentFixture.agent(services, "lb-1", labels: ["role": "lb"])
            let other = try await AgentFixture.agent(services, "lb-2", labels: ["role": "lb"])
            _ = try await AgentFixture.rehearsal(services, Self.runbook)
            let work = try #require(try await services.agents.poll(lb))
            // when / then
            await #expect(throws: ServiceError.conflict("attempt 1 of roll is held by agent lb-1, not lb-2")) {
                try await services.agents.saveReport(other, attempt: work.attempt.id, report: Self.report(.rolling))
            }
        } }
    }

    @Test("an operator's rollback reaches the agent's next heartbeat with who asked and why, and is audited")
    func rollbackByHand() async throws {
        try await TestDatabase.with(.sqlite) { store in try await RequestOrigin.asSystem {
            // given
            let services = AgentFixture.services(store, TestClock())
            let lb = try await AgentFixture.agent(services, "lb-1", labels: ["role": "lb"])
            let run = try await AgentFixture.rehearsal(services, Self.runbook)
            let work = try #require(try await services.agents.poll(lb))
            try await services.agents.saveReport(lb, attempt: work.attempt.id, report: Self.report(.rolling))
            #expect(try await services.agents.rollbackAsked(attempt: work.attempt.id) == nil)
            // when
            let stored = try await services.agents.askRollback(run: run.id.uuidString, step: "roll", reason: "errors in the shop's logs")
            // then
            #expect(stored.rollbackAskedBy == "system")
            #expect(try await services.agents.rollbackAsked(attempt: work.attempt.id) == "rolled back by hand by system: errors in the shop's logs")
            let audited = try await services.audit.list(.init()).items.filter { $0.entry.action == .rollingRollback }
            #expect(audited.count == 1)
        } }
    }

    @Test("a rollback is refused for a step that is not a running rolling update, and without a reason")
    func rollbackRefused() async throws {
        try await TestDatabase.with(.sqlite) { store in try await RequestOrigin.asSystem {
            // given
            let services = AgentFixture.services(store, TestClock())
            _ = try await AgentFixture.agent(services, "lb-1", labels: ["role": "lb"])
            let run = try await AgentFixture.rehearsal(services, Self.runbook)
            // when / then
            await #expect(throws: ServiceError.conflict("sign is a manual step, not a rolling update")) {
                try await services.agents.askRollback(run: run.id.uuidString, step: "sign", reason: "why not")
            }
            await #expect(throws: ServiceError.conflict("roll is not being run by an agent: nothing to roll back")) {
                try await services.agents.askRollback(run: run.id.uuidString, step: "roll", reason: "why not")
            }
            await #expect(throws: ServiceError.self) { try await services.agents.askRollback(run: run.id.uuidString, step: "roll", reason: "  ") }
        } }
    }

    @Test("the interruption a rolling update measured is kept as its step's downtime, across a restart", arguments: TestEngine.available)
    func measuredDowntimeKept(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in try await RequestOrigin.asSystem {
            // given
            let clock = TestClock()
            let services = AgentFixture.services(store, clock)
            let lb = try await AgentFixture.agent(services, "lb-1", labels: ["role": "lb"])
            let run = try await AgentFixture.rehearsal(services, Self.runbook)
            let work = try #require(try await services.agents.poll(lb))
            clock.advance(by: 60)
            // when
            _ = try await services.agents.finish(lb, attempt: work.attempt.id, result: .checked(passed: true, summary: "shop on 2"), logSize: 0, interruption: 1.25)
            // then: read by a server that starts afresh on the same database
            let restarted = AgentFixture.services(store, clock)
            let view = try await restarted.runs.view(run.id.uuidString)
            #expect(view.run.steps[0].progress.measuredDowntime == 1.25)
            #expect(abs(view.forecast.downtimeSoFar - 1.25) < 0.001)
        } }
    }
}
