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

    static let remoteRunbook = runbook.replacingOccurrences(of: "instances: [web-1, web-2]",
                                                            with: "instances: [web-1, {name: web-2, address: \"10.0.0.12:8080\", runsOn: role=web}]")
        .replacingOccurrences(of: "start: \"true\"", with: "start: \"echo starting {{instance}} on {{version}}\"")

    @Test("an instance's command goes to the agent its runsOn names, written from the runbook, taken once, its exit and output read back", arguments: TestEngine.available)
    func instanceTask(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in try await RequestOrigin.asSystem {
            // given
            let services = AgentFixture.services(store, TestClock())
            let lb = try await AgentFixture.agent(services, "lb-1", labels: ["role": "lb"])
            let web = try await AgentFixture.agent(services, "web-host", labels: ["role": "web"])
            _ = try await AgentFixture.rehearsal(services, Self.remoteRunbook)
            let work = try #require(try await services.agents.poll(lb))
            // when
            let handed = try await services.agents.handTask(lb, attempt: work.attempt.id, instance: "web-2", action: .start, version: "2.1", timeout: 30)
            let taken = try #require(try await services.agents.poll(web))
            let again = try await services.agents.poll(AgentFixture.agent(services, "web-other", labels: ["role": "web"]))
            try await services.agents.finishTask(web, id: handed.id, result: .exited(0), output: "starting web-2 on 2.1\n")
            // then
            #expect(taken.task?.id == handed.id)
            #expect(taken.command?.argv == ["/bin/sh", "-c", "echo starting web-2 on 2.1"])
            #expect(taken.command?.environment["BASCULE_ADDRESS"] == "10.0.0.12:8080")
            #expect(again == nil)
            let read = try await services.agents.task(lb, id: handed.id)
            #expect(read.state == .succeeded && read.agent == "web-host" && read.exitCode == 0 && read.output == "starting web-2 on 2.1\n")
        } }
    }

    @Test("a task is refused for an instance without an agent of its own, an unknown instance, a version that is no version name, or another agent's attempt")
    func instanceTaskRefused() async throws {
        try await TestDatabase.with(.sqlite) { store in try await RequestOrigin.asSystem {
            // given
            let services = AgentFixture.services(store, TestClock())
            let lb = try await AgentFixture.agent(services, "lb-1", labels: ["role": "lb"])
            let web = try await AgentFixture.agent(services, "web-host", labels: ["role": "web"])
            _ = try await AgentFixture.rehearsal(services, Self.remoteRunbook)
            let work = try #require(try await services.agents.poll(lb))
            let attempt = work.attempt.id
            // when / then
            await #expect(throws: ServiceError.conflict("instance web-1 names no agent of its own: the update's agent runs its commands")) {
                try await services.agents.handTask(lb, attempt: attempt, instance: "web-1", action: .stop, version: "2", timeout: 30)
            }
            await #expect(throws: ServiceError.notFound("instance web-9 in the rolling update of roll")) {
                try await services.agents.handTask(lb, attempt: attempt, instance: "web-9", action: .stop, version: "2", timeout: 30)
            }
            await #expect(throws: ServiceError.self) {
                try await services.agents.handTask(lb, attempt: attempt, instance: "web-2", action: .start, version: "2; rm -rf /", timeout: 30)
            }
            await #expect(throws: ServiceError.conflict("attempt 1 of roll is held by agent lb-1, not web-host")) {
                try await services.agents.handTask(web, attempt: attempt, instance: "web-2", action: .stop, version: "2", timeout: 30)
            }
        } }
    }

    @Test("a task whose agent goes silent is lost; the open tasks of an attempt that ends are cancelled")
    func instanceTaskLost() async throws {
        try await TestDatabase.with(.sqlite) { store in try await RequestOrigin.asSystem {
            // given
            let clock = TestClock()
            let services = AgentFixture.services(store, clock)
            let lb = try await AgentFixture.agent(services, "lb-1", labels: ["role": "lb"])
            let web = try await AgentFixture.agent(services, "web-host", labels: ["role": "web"])
            _ = try await AgentFixture.rehearsal(services, Self.remoteRunbook)
            let work = try #require(try await services.agents.poll(lb))
            let running = try await services.agents.handTask(lb, attempt: work.attempt.id, instance: "web-2", action: .stop, version: "2", timeout: 30)
            _ = try await services.agents.poll(web)
            let waiting = try await services.agents.handTask(lb, attempt: work.attempt.id, instance: "web-2", action: .start, version: "2", timeout: 30)
            // when: web-host silent for two heartbeats while lb-1 keeps beating
            clock.advance(by: 3)
            _ = try await services.agents.heartbeat(lb, attempt: work.attempt.id)
            clock.advance(by: 1.5)
            try await services.agents.sweepLost()
            let lost = try await services.agents.task(lb, id: running.id)
            _ = try await services.agents.finish(lb, attempt: work.attempt.id, result: .checked(passed: false, summary: "web-2 lost"), logSize: 0)
            // then
            #expect(lost.state == .lost)
            #expect(try await services.agents.task(lb, id: waiting.id).state == .cancelled)
            await #expect(throws: ServiceError.self) { try await services.agents.finishTask(web, id: running.id, result: .exited(0), output: "") }
        } }
    }
}
