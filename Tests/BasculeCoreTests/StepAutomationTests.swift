import BasculeCore
import Foundation
import Testing

@Suite("Step automation")
struct StepAutomationTests {
    static let yaml = """
        steps:
          - key: backup
            title: Back up the ERP database
            duration: 10m
            kind: command
            runsOn: os=linux,role=db
            command:
              script: "pg_dump -Fc erp > /var/backups/erp.dump"
              workingDirectory: /var/backups
              environment: {PGPASSWORD: "{{secret.erp-db}}"}
              timeout: 15m
              exitCodes: [0, 1]
          - key: health
            title: ERP answers
            duration: 2m
            after: [backup]
            kind: httpCheck
            runsOn: {agent: web-1}
            manualStart: true
            httpCheck:
              url: https://erp.example/health
              headers: {Authorization: "Bearer {{secret.erp-token}}"}
              expectStatus: [200, 204]
              bodyMatches: "\\"status\\":\\\\s*\\"ok\\""
              retries: 5
              interval: 5s
              deadline: 2m
        """

    @Test("a runbook with automated steps reads and writes back the same")
    func roundTrip() throws {
        // given
        let runbook = try RunbookDocument.parse(Self.yaml).runbook
        // when
        let again = try RunbookDocument.parse(RunbookDocument.yaml(runbook)).runbook
        // then
        #expect(again == runbook)
        let backup = try #require(runbook.steps.first?.automation)
        #expect(backup.target.labels == ["os": "linux", "role": "db"])
        #expect(backup.command?.argv == ["/bin/sh", "-c", "pg_dump -Fc erp > /var/backups/erp.dump"])
        #expect(backup.command?.timeout == 900)
        #expect(backup.command?.exitCodes == [0, 1])
        #expect(backup.secretNames == ["erp-db"])
        let health = try #require(runbook.steps.last?.automation)
        #expect(health.manualStart)
        #expect(health.target.agent == "web-1")
        #expect(health.httpCheck?.interval == 5)
        #expect(health.httpCheck?.deadline == 120)
        #expect(health.secretNames == ["erp-token"])
    }

    @Test("a command on a step kind that takes none is refused with the step named")
    func commandOnManualStep() {
        // given
        let yaml = "steps:\n  - {key: stop, title: Stop, duration: 5m, kind: manual, command: {run: [systemctl, stop, erp]}}\n"
        // then
        #expect {
            try RunbookDocument.parse(yaml)
        } throws: { error in
            guard case CoreError.invalid(let errors) = error else { return false }
            return errors.contains { $0.field == "steps[stop].command" && $0.message == "a manual step takes no command" }
        }
    }

    @Test("an HTTP check needs an http or https URL, and a command a timeout above zero")
    func badInput() {
        // given
        let yaml = """
            steps:
              - {key: check, title: Check, duration: 1m, kind: httpCheck, httpCheck: {url: "ftp://erp.example/"}}
              - {key: run, title: Run, duration: 1m, kind: command, command: {run: ["true"], timeout: "0"}}
            """
        // then
        #expect {
            try RunbookDocument.parse(yaml)
        } throws: { error in
            guard case CoreError.invalid(let errors) = error else { return false }
            return Set(errors.map(\.field)) == ["steps[check].httpCheck.url", "steps[run].command.timeout"]
        }
    }

    @Test("a non-numeric timeout is refused on its line")
    func nonNumericTimeout() {
        // given
        let yaml = "steps:\n  - {key: run, title: Run, duration: 1m, kind: command, command: {run: [\"true\"], timeout: soon}}\n"
        // then
        #expect {
            try RunbookDocument.parse(yaml)
        } throws: { error in
            guard case CoreError.invalid(let errors) = error else { return false }
            return errors.first?.field == "steps[0].command.timeout" && errors.first?.line == 2
        }
    }

    @Test("labels must be name=value pairs")
    func badLabels() throws {
        #expect(throws: CoreError.self) { try AgentTarget(labelText: "os=linux,role") }
        #expect(throws: CoreError.self) { try AgentTarget(labelText: "os=linux,os=bsd") }
        #expect(try AgentTarget(labelText: "os=linux, role=db").labels == ["os": "linux", "role": "db"])
    }

    @Test("a target accepts an agent with every label it names, and only the named agent")
    func targets() {
        let byLabels = AgentTarget(labels: ["os": "linux"])
        let byName = AgentTarget(agent: "db-1")
        #expect(byLabels.accepts(name: "any", labels: ["os": "linux", "role": "db"]))
        #expect(!byLabels.accepts(name: "any", labels: ["os": "bsd"]))
        #expect(byName.accepts(name: "db-1", labels: [:]))
        #expect(!byName.accepts(name: "db-2", labels: [:]))
    }

    @Test("a lost step is never settled: an operator retries, completes or fails it")
    func lostStep() throws {
        // given
        let runbook = try RunbookDocument.parse(Self.yaml).runbook
        var run = Run(releaseKey: ReleaseKey(number: 1), kind: .rehearsal, runbook: runbook, at: Date(timeIntervalSince1970: 0))
        try run.apply(.start("backup"), by: "agent:db-1", at: Date(timeIntervalSince1970: 10))
        // when
        try run.apply(.lose("backup", reason: "agent db-1 silent"), by: "system", at: Date(timeIntervalSince1970: 20))
        // then
        #expect(run.steps[0].progress.state == .lost)
        #expect(throws: CoreError.self) { try run.apply(.start("health"), by: "ana", at: Date(timeIntervalSince1970: 30)) }
        let retried = try run.apply(.retry("backup"), by: "ana", at: Date(timeIntervalSince1970: 40))
        #expect(retried.text == "attempt 2")
        #expect(run.steps[0].progress.state == .running)
    }
}
