import BasculeCore
import BasculeServer
import BasculeStore
import BasculeTestSupport
import Foundation
import Testing

/// Agents on a real database: registration, the lease of each attempt, output, results.
enum AgentFixture {
    static let runbook = """
        steps:
          - {key: backup, title: Back up, duration: 5m, kind: command, runsOn: "role=db", command: {run: [pg_dump, erp]}}
          - {key: check, title: Check, duration: 1m, after: [backup], kind: httpCheck, httpCheck: {url: "http://127.0.0.1:1/health"}}
          - {key: sign, title: Sign off, duration: 1m, after: [check], kind: manual}
        """

    static func services(_ store: Store, _ clock: TestClock, logCap: Int64 = LogCap.defaultCap) -> BasculeServices {
        BasculeServices(store: store, now: { clock.now }, passwordCost: 4, agentSettings: AgentSettings(heartbeat: 2, pollWait: 0, logCap: logCap),
                        vault: SecretVault(key: SecretVault.key(base64: Data(repeating: 7, count: 32).base64EncodedString())))
    }

    /// A release whose runbook is `yaml`, and a rehearsal of it started.
    static func rehearsal(_ services: BasculeServices, _ yaml: String = runbook) async throws -> Run {
        let key = try await services.releases.create(ReleaseInput(title: "ERP", version: "4.3", type: .minor)).key.description
        _ = try await services.runbooks.importYAML(key, yaml)
        return try await services.runs.create(in: key, kind: .rehearsal)
    }

    static func agent(_ services: BasculeServices, _ name: String, labels: [String: String] = ["role": "db"]) async throws -> Agent {
        let token = try await services.agents.createRegistrationToken().secret
        return try await services.agents.register(token: token, name: name, labels: labels, version: "test", host: "localhost").agent
    }
}

@Suite("Agents")
struct AgentTests {
    @Test("a registration token registers one agent; used again it is refused with 401")
    func registrationOnce() async throws {
        try await TestDatabase.with(.sqlite) { store in try await RequestOrigin.asSystem {
            // given
            let services = AgentFixture.services(store, TestClock())
            let token = try await services.agents.createRegistrationToken().secret
            _ = try await services.agents.register(token: token, name: "db-1", labels: [:], version: "1", host: "h")
            // when / then
            await #expect(throws: ServiceError.unauthorized("the registration token is unknown, expired or already used")) {
                try await services.agents.register(token: token, name: "db-2", labels: [:], version: "1", host: "h")
            }
        } }
    }

    @Test("the agent's credential is kept hashed and stops working once revoked, even just after it was used")
    func credentialRevoked() async throws {
        try await TestDatabase.with(.sqlite) { store in try await RequestOrigin.asSystem {
            // given
            let services = AgentFixture.services(store, TestClock())
            let token = try await services.agents.createRegistrationToken().secret
            let (_, credential) = try await services.agents.register(token: token, name: "db-1", labels: [:], version: "1", host: "h")
            let stored = try await store.withConnection { try await $0.raw("SELECT credential_hash FROM agents").first()?.decode(column: "credential_hash", as: String.self) }
            #expect(try await services.agents.authenticate(credential).name == "db-1")  // remembered for half a second
            // when
            try await services.agents.control("db-1", .revoke)
            // then
            #expect(stored == Digest.sha256(credential))
            await #expect(throws: ServiceError.self) { try await services.agents.authenticate(credential) }
        } }
    }

    @Test("a ready automated step goes to an agent whose labels it asks for, and its start is the agent's")
    func readyStepStarts() async throws {
        try await TestDatabase.with(.sqlite) { store in try await RequestOrigin.asSystem {
            // given
            let services = AgentFixture.services(store, TestClock())
            let web = try await AgentFixture.agent(services, "web-1", labels: ["role": "web"])
            let db = try await AgentFixture.agent(services, "db-1")
            let run = try await AgentFixture.rehearsal(services)
            // when
            let none = try await services.agents.poll(web)
            let work = try await services.agents.poll(db)
            // then
            #expect(none == nil)
            #expect(work?.attempt.step == "backup")
            #expect(work?.attempt.number == 1)
            #expect(work?.command?.argv == ["pg_dump", "erp"])
            let after = try await services.runs.view(run.id.uuidString).run
            #expect(after.steps[0].progress.state == .running)
            #expect(after.log.last?.actor == "agent:db-1")
        } }
    }

    @Test("an exit code the step expects completes it; another fails it with the code in the log")
    func resultsMoveTheStep() async throws {
        try await TestDatabase.with(.sqlite) { store in try await RequestOrigin.asSystem {
            // given
            let services = AgentFixture.services(store, TestClock())
            let db = try await AgentFixture.agent(services, "db-1")
            let run = try await AgentFixture.rehearsal(services)
            let work = try #require(try await services.agents.poll(db))
            // when
            let ended = try await services.agents.finish(db, attempt: work.attempt.id, result: .exited(3), logSize: 0)
            // then
            let after = try await services.runs.view(run.id.uuidString).run
            #expect(ended.state == .failed)
            #expect(ended.exitCode == 3)
            #expect(after.steps[0].progress.state == .failed)
            #expect(after.log.last?.text == "attempt 1 on db-1: exit code 3 (expected 0)")
        } }
    }

    @Test("output is kept in order: a resent chunk is not stored twice, a gap is refused with the offset expected")
    func logOffsets() async throws {
        try await TestDatabase.with(.sqlite) { store in try await RequestOrigin.asSystem {
            // given
            let services = AgentFixture.services(store, TestClock())
            let db = try await AgentFixture.agent(services, "db-1")
            _ = try await AgentFixture.rehearsal(services)
            let work = try #require(try await services.agents.poll(db))
            let id = work.attempt.id
            // when
            let first = try await services.agents.appendLog(db, attempt: id, offset: 0, stream: "stdout", data: Data("hello ".utf8))
            let resent = try await services.agents.appendLog(db, attempt: id, offset: 0, stream: "stdout", data: Data("hello world\n".utf8))
            let gap = try await services.agents.appendLog(db, attempt: id, offset: 40, stream: "stdout", data: Data("late".utf8))
            // then
            #expect(first == .acknowledged(end: 6))
            #expect(resent == .acknowledged(end: 12))
            #expect(gap == .gap(expected: 12))
            await #expect(throws: ServiceError.self) { try await services.agents.finish(db, attempt: id, result: .exited(0), logSize: 6) }
            let log = try await services.agents.log(run: work.attempt.runID.uuidString, step: "backup", number: 1)
            #expect(String(decoding: log.chunks.flatMap(\.data), as: UTF8.self) == "hello world\n")
        } }
    }

    @Test("beyond the cap the log keeps its head and its tail and counts what was cut; the exit status is recorded")
    func logCap() async throws {
        try await TestDatabase.with(.sqlite) { store in try await RequestOrigin.asSystem {
            // given
            let services = AgentFixture.services(store, TestClock(), logCap: 100)
            let db = try await AgentFixture.agent(services, "db-1")
            _ = try await AgentFixture.rehearsal(services)
            let work = try #require(try await services.agents.poll(db))
            // when
            for index in 0..<10 {
                let line = Data(String(repeating: String(index), count: 49).appending("\n").utf8)
                _ = try await services.agents.appendLog(db, attempt: work.attempt.id, offset: Int64(index * 50), stream: "stdout", data: line)
            }
            let ended = try await services.agents.finish(db, attempt: work.attempt.id, result: .exited(0), logSize: 500)
            // then
            let log = try await services.agents.log(run: work.attempt.runID.uuidString, step: "backup", number: 1)
            #expect(log.chunks.map(\.offset) == [0, 450])
            #expect(ended.logSize == 500)
            #expect(ended.logCut == 400)
            #expect(ended.state == .succeeded)
        } }
    }

    @Test("an agent silent for two heartbeats loses its step; its late result is refused; a retry is a new attempt", arguments: TestEngine.available)
    func silentAgent(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in try await RequestOrigin.asSystem {
            // given
            let clock = TestClock()
            let services = AgentFixture.services(store, clock)
            let db = try await AgentFixture.agent(services, "db-1")
            let run = try await AgentFixture.rehearsal(services)
            let first = try #require(try await services.agents.poll(db))
            // when
            clock.advance(by: 4.5)
            try await services.agents.sweepLost()
            // then
            #expect(try await services.runs.view(run.id.uuidString).run.steps[0].progress.state == .lost)
            await #expect(throws: ServiceError.self) { try await services.agents.finish(db, attempt: first.attempt.id, result: .exited(0), logSize: 0) }
            let refused = try await services.audit.list(.init()).items.filter { $0.entry.action == .attemptRefused }
            #expect(refused.count == 1)
            // when an operator retries it
            try await services.runs.act(run.id.uuidString, .retry("backup", comment: "agent restarted"))
            let second = try await services.agents.poll(db)
            // then
            #expect(second?.attempt.number == 2)
            #expect(try await services.agents.poll(db) == nil)
        } }
    }

    @Test("an agent asking for work while it holds an attempt (restarted, or its answer lost) loses that attempt: never given twice")
    func pollWhileHolding() async throws {
        try await TestDatabase.with(.sqlite) { store in try await RequestOrigin.asSystem {
            // given
            let services = AgentFixture.services(store, TestClock())
            let db = try await AgentFixture.agent(services, "db-1")
            let run = try await AgentFixture.rehearsal(services)
            let first = try #require(try await services.agents.poll(db))
            // when the agent asks again, as a restarted agent does
            let holding = try await services.agents.agent(named: "db-1")
            let again = try await services.agents.poll(holding)
            // then
            #expect(holding.currentAttempt != nil)
            #expect(again == nil)
            #expect(try await services.runs.view(run.id.uuidString).run.steps[0].progress.state == .lost)
            let attempts = try await services.agents.attempts(run: run.id.uuidString)
            #expect(attempts.map(\.state) == [.lost])
            #expect(attempts.first?.outcome.contains("asked for work while holding attempt 1") == true)
            await #expect(throws: ServiceError.self) { try await services.agents.finish(db, attempt: first.attempt.id, result: .exited(0), logSize: 0) }
        } }
    }

    @Test("the step a result makes ready goes at once to the agent that asks, as a result asking for its next step does")
    func resultTakesNext() async throws {
        try await TestDatabase.with(.sqlite) { store in try await RequestOrigin.asSystem {
            // given
            let services = AgentFixture.services(store, TestClock())
            let db = try await AgentFixture.agent(services, "db-1")
            let yaml = "steps:\n  - {key: one, title: One, duration: 1m, kind: command, command: {run: [\"true\"]}}\n"
                + "  - {key: two, title: Two, duration: 1m, kind: command, command: {run: [\"true\"]}, after: [one]}\n"
            let run = try await AgentFixture.rehearsal(services, yaml)
            let first = try #require(try await services.agents.poll(db))
            // when
            _ = try await services.agents.finish(db, attempt: first.attempt.id, result: .exited(0), logSize: 0)
            let next = try await services.agents.poll(db, wait: 0)
            // then
            #expect(first.attempt.step == "one")
            #expect(next?.attempt.step == "two")
            #expect(try await services.runs.view(run.id.uuidString).run.steps.map(\.progress.state) == [.done, .running])
        } }
    }

    @Test("a step an operator fails while an agent runs it tells the agent to stop at its next heartbeat")
    func cancelled() async throws {
        try await TestDatabase.with(.sqlite) { store in try await RequestOrigin.asSystem {
            // given
            let services = AgentFixture.services(store, TestClock())
            let db = try await AgentFixture.agent(services, "db-1")
            let run = try await AgentFixture.rehearsal(services)
            let work = try #require(try await services.agents.poll(db))
            // when
            try await services.runs.act(run.id.uuidString, .fail("backup", comment: "wrong database"))
            let answer = try await services.agents.heartbeat(db, attempt: work.attempt.id)
            // then
            #expect(answer == .cancelled)
            await #expect(throws: ServiceError.self) { try await services.agents.finish(db, attempt: work.attempt.id, result: .exited(0), logSize: 0) }
        } }
    }

    @Test("a disabled agent is given nothing; a manualStart step waits for an operator, then goes to an agent")
    func disabledAndManualStart() async throws {
        try await TestDatabase.with(.sqlite) { store in try await RequestOrigin.asSystem {
            // given
            let services = AgentFixture.services(store, TestClock())
            let yaml = "steps:\n  - {key: deploy, title: Deploy, duration: 5m, kind: command, manualStart: true, command: {run: [deploy.sh]}}\n"
            let agent = try await AgentFixture.agent(services, "app-1")
            let run = try await AgentFixture.rehearsal(services, yaml)
            // when / then
            #expect(try await services.agents.poll(agent) == nil)
            try await services.runs.act(run.id.uuidString, .start("deploy"))
            try await services.agents.control("app-1", .disable)
            #expect(try await services.agents.poll(agent) == nil)
            try await services.agents.control("app-1", .enable)
            #expect(try await services.agents.poll(agent)?.attempt.step == "deploy")
        } }
    }

    @Test("an agent may not use the rest of the API")
    func agentsOnlyOnTheProtocol() async throws {
        try await TestDatabase.with(.sqlite) { store in try await RequestOrigin.asSystem {
            // given
            let services = AgentFixture.services(store, TestClock())
            _ = try await AgentFixture.agent(services, "db-1")
            let run = try await AgentFixture.rehearsal(services)
            // then
            await RequestOrigin.$current.withValue(RequestOrigin(principal: .agent("db-1"))) {
                await #expect(throws: ServiceError.self) { try await services.runs.view(run.id.uuidString) }
            }
        } }
    }

    @Test("twenty agents competing for two hundred ready steps run each exactly once", arguments: TestEngine.available)
    func competingAgents(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in try await RequestOrigin.asSystem {
            // given
            let services = AgentFixture.services(store, TestClock())
            let steps = (1...200).map { "  - {key: s\($0), title: Step \($0), duration: 1m, kind: command, command: {run: [\"true\"]}}" }
            var agents: [Agent] = []
            for index in 1...20 { agents.append(try await AgentFixture.agent(services, "a\(index)", labels: [:])) }
            let run = try await AgentFixture.rehearsal(services, "steps:\n" + steps.joined(separator: "\n") + "\n")
            // when
            let ran = try await withThrowingTaskGroup(of: [String].self) { group in
                for agent in agents {
                    group.addTask {
                        try await RequestOrigin.asSystem {
                            var mine: [String] = []
                            while let work = try await services.agents.poll(agent) {
                                mine.append(work.attempt.step)
                                // As the agent does: a result the busy run could not take yet is sent again.
                                while true {
                                    do {
                                        _ = try await services.agents.finish(agent, attempt: work.attempt.id, result: .exited(0), logSize: 0)
                                        break
                                    } catch ServiceError.stale {
                                        continue
                                    }
                                }
                            }
                            return mine
                        }
                    }
                }
                return try await group.reduce(into: [String]()) { $0 += $1 }
            }
            // then
            #expect(ran.count == 200)
            #expect(Set(ran).count == 200)
            let attempts = try await services.agents.attempts(run: run.id.uuidString)
            #expect(attempts.count == 200)
            #expect(try await services.runs.view(run.id.uuidString).run.status == .finished)
            // Starts and ends written together in one batch are each audited as their own agent's.
            let audited = try await store.withConnection { db in
                try await db.raw("SELECT actor, summary FROM audit_events WHERE action IN ('attempt.start', 'attempt.end')").all()
                    .map { (actor: try $0.decode(column: "actor", as: String.self), summary: try $0.decode(column: "summary", as: String.self)) }
            }
            let held = Dictionary(attempts.map { ("\($0.step) attempt \($0.number)", $0.agent) }, uniquingKeysWith: { first, _ in first })
            #expect(audited.count == 400)
            for event in audited {
                let attempt = held.first { event.summary.contains("\($0.key) ") || event.summary.contains("\($0.key):") }
                #expect(attempt.map { AgentActor.name($0.value) } == event.actor, "\(event.summary)")
            }
        } }
    }

    @Test("a secret is never returned; a step using it gets its value, and the value is hidden in what the agent says")
    func secrets() async throws {
        try await TestDatabase.with(.sqlite) { store in try await RequestOrigin.asSystem {
            // given
            let services = AgentFixture.services(store, TestClock())
            try await services.secrets.set("erp-db", value: "s3cr3t-value")
            let db = try await AgentFixture.agent(services, "db-1")
            let yaml = "steps:\n  - {key: dump, title: Dump, duration: 1m, kind: command, command: {run: [pg_dump, \"--password={{secret.erp-db}}\"]}}\n"
            let run = try await AgentFixture.rehearsal(services, yaml)
            // when
            let work = try #require(try await services.agents.poll(db))
            _ = try await services.agents.finish(db, attempt: work.attempt.id, result: .couldNotStart("pg_dump --password=s3cr3t-value: not found"), logSize: 0)
            // then
            #expect(work.command?.argv == ["pg_dump", "--password=s3cr3t-value"])
            #expect(work.redactions == ["erp-db": "s3cr3t-value"])
            #expect(try await services.secrets.list().map(\.name) == ["erp-db"])
            let sealed = try await store.withConnection { try await $0.raw("SELECT sealed FROM secrets").first()?.decode(column: "sealed", as: String.self) }
            #expect(sealed?.contains("s3cr3t") == false)
            let log = try await services.runs.view(run.id.uuidString).run.log
            #expect(log.last?.text.contains("[secret erp-db]") == true)
            #expect(!log.contains { $0.text.contains("s3cr3t-value") })
            let audit = try await services.audit.list(.init()).items
            #expect(!audit.contains { $0.entry.summary.contains("s3cr3t-value") })
        } }
    }

    @Test("a runbook naming an unknown secret, agent or label is refused with 422 naming each, with its step")
    func unknownReferences() async throws {
        try await TestDatabase.with(.sqlite) { store in try await RequestOrigin.asSystem {
            // given
            let services = AgentFixture.services(store, TestClock())
            _ = try await AgentFixture.agent(services, "db-1")
            let key = try await services.releases.create(ReleaseInput(title: "ERP", version: "4.3", type: .minor)).key.description
            let yaml = """
                steps:
                  - {key: a, title: A, duration: 1m, kind: command, runsOn: {agent: db-9}, command: {run: [x, "{{secret.nope}}"]}}
                  - {key: b, title: B, duration: 1m, kind: command, runsOn: "role=web", command: {run: ["true"]}}
                  - {key: c, title: C, duration: 1m, kind: command, runsOn: "role=db", command: {run: ["true"]}}
                """
            // then
            await #expect {
                try await services.runbooks.importYAML(key, yaml)
            } throws: { error in
                guard case ServiceError.invalid(let errors) = error else { return false }
                return errors.map(\.field) == ["steps[a].command", "steps[a].runsOn.agent", "steps[b].runsOn"]
                    && errors[0].message.contains("{{secret.nope}}") && errors[1].message.contains("db-9") && errors[2].message.contains("role=web")
            }
        } }
    }

    @Test("a result for an attempt another agent holds is refused with 409")
    func notYourAttempt() async throws {
        try await TestDatabase.with(.sqlite) { store in try await RequestOrigin.asSystem {
            // given
            let services = AgentFixture.services(store, TestClock())
            let db = try await AgentFixture.agent(services, "db-1")
            let other = try await AgentFixture.agent(services, "db-2")
            _ = try await AgentFixture.rehearsal(services)
            let work = try #require(try await services.agents.poll(db))
            // then
            await #expect(throws: ServiceError.self) { try await services.agents.finish(other, attempt: work.attempt.id, result: .exited(0), logSize: 0) }
            do {
                _ = try await services.agents.finish(other, attempt: work.attempt.id, result: .exited(0), logSize: 0)
            } catch let error as ServiceError {
                #expect(error.status == 409)
            }
        } }
    }
}
