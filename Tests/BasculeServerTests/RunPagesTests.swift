import BasculeCore
import BasculeServer
import BasculeTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// The runbook tab, the live page of a run and the printable exports, on the demo.
@Suite("Run pages")
struct RunPagesTests {
    static func liveRun(_ services: BasculeServices) async throws -> (release: String, run: String) {
        let release = try #require(try await GatePagesTests.demo(services).first { $0.title.hasPrefix("ERP 2.0") })
        let run = try #require(try await services.runs.list(of: release.key.description).first { $0.kind == .live })
        return (release.key.description, run.id.uuidString.lowercased())
    }

    @Test("the demo's ERP release shows its 40-step runbook, two finished rehearsals and a live run in progress")
    func demoRunbook() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            let (release, _) = try await Self.liveRun(services)
            // when
            let page = try await client.send(.get, "/releases/\(release)?tab=runbook").text
            let runs = try await services.runs.list(of: release)
            // then
            #expect(try await services.runbooks.get(release).runbook.steps.filter { $0.phase != .rollback }.count == 40)
            #expect(runs.filter { $0.kind == .rehearsal && $0.status == .finished }.count == 2)
            #expect(try await services.releases.get(release).status == .inProgress)
            #expect(page.contains("Run schema migration 2 (indexes)"))
            #expect(page.contains("run-running"))
        }
    }

    @Test("the live page shows the forecast, the Gantt chart and the running step's buttons; completing it through the form moves the run")
    func livePage() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            let (_, run) = try await Self.liveRun(services)
            // when
            let before = try await client.send(.get, "/runs/\(run)").text
            let completed = try await client.form("/runs/\(run)/act", ["action": "complete", "step": "C05"])
            let after = try await client.send(.get, "/runs/\(run)").text
            let twice = try await client.form("/runs/\(run)/act", ["action": "complete", "step": "C05"])
            // then
            #expect(before.contains("Expected end"))
            #expect(before.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"gantt\""))
            #expect(before.contains("id=\"step-C05\""))
            #expect(before.contains("data-events=\"/api/v1/runs/\(run)/events\""))
            #expect(completed.status == .seeOther || completed.status == .found)
            #expect(after.contains("step-C05") && after.range(of: #"id="step-C05"[\s\S]*?step-done"#, options: .regularExpression) != nil)
            #expect(twice.status == .conflict)
            #expect(twice.text.contains("C05 is already done"))
        }
    }

    @Test("the printable runbook and run log list every step with room to tick it")
    func printable() async throws {
        try await TestApp.with(.sqlite) { client, services in
            let (release, run) = try await Self.liveRun(services)
            let runbook = try await client.send(.get, "/releases/\(release)/runbook/print").text
            let log = try await client.send(.get, "/runs/\(run)/print").text
            #expect(runbook.components(separatedBy: "class=\"tick\"").count - 1 == 44)
            #expect(runbook.contains("/static/print.css"))
            #expect(log.contains("Back up the ERP database"))
            #expect(log.contains("manager"))
        }
    }

    @Test("the rehearsal report compares each step with its plan in both rehearsals, and the tab shows it")
    func rehearsalReport() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            let (release, _) = try await Self.liveRun(services)
            // when
            let report = try await client.send(.get, "/api/v1/releases/\(release)/rehearsal-report").json()
            let page = try await client.send(.get, "/releases/\(release)?tab=runbook").text
            // then
            let steps = report["steps"] as? [[String: Any]] ?? []
            #expect(steps.count == 40)
            #expect((steps.first?["actualMinutes"] as? [Any])?.count == 2)
            #expect((report["rehearsals"] as? [[String: Any]])?.allSatisfy { $0["status"] as? String == "finished" } == true)
            #expect(page.contains("Rehearsal report"))
            #expect(page.contains("<th>R2</th>"))
        }
    }

    @Test("the runbook editor saves YAML and refuses a cycle naming it, leaving the runbook as it was")
    func editor() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            try await client.send(.post, "/api/v1/releases", json: Samples.release)
            // when
            let saved = try await client.form("/releases/REL-1/runbook", ["yaml": "steps:\n  - {key: a, title: A, duration: 5m}\n", "revision": "0"])
            let refused = try await client.form("/releases/REL-1/runbook", ["yaml": "steps:\n  - {key: a, title: A, duration: 5m, after: [b]}\n  - {key: b, title: B, duration: 5m, after: [a]}\n", "revision": "1"])
            // then
            #expect(saved.status == .seeOther || saved.status == .found)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("a → b → a form a cycle"))
            #expect(try await services.runbooks.get("REL-1").runbook.steps.map(\.key) == ["a"])
        }
    }
}

@Suite("Cutover calls")
struct CutoverCallsTests {
    @Test("an operator may not roll back the live cutover: that call is the release manager's")
    func operatorCannotRollBackLive() async throws {
        try await TestApp.with(.sqlite, roles: [.operator]) { client, services in
            // given
            let (_, run) = try await RequestOrigin.asSystem { try await RunPagesTests.liveRun(services) }
            // when
            let refused = try await RunbookAPITests.act(client, run, "rollback", comment: "looks bad")
            let note = try await RunbookAPITests.act(client, run, "note", comment: "still running")
            // then
            #expect(refused.status == .forbidden)
            #expect(refused.text.contains("runDecide"))
            #expect(note.status == .ok)
            #expect(try await RequestOrigin.asSystem { try await services.runs.list(of: "REL-19") }.contains { $0.kind == .live && $0.status == .running })
        }
    }
}

@Suite("Demo risk")
struct DemoRiskTests {
    @Test("the demo's live ERP cutover, late under overrides, is at risk rather than on track")
    func lateCutoverAtRisk() async throws {
        try await TestApp.with(.sqlite) { _, services in
            // given
            let (release, _) = try await RunPagesTests.liveRun(services)
            // when
            let score = try await services.policy.riskScore(release)
            // then
            #expect(score.status == .atRisk, "\(score.score): \(score.factors.map { "\($0.name) \($0.points)" })")
            #expect(score.factors.contains { $0.name == "liveRunBehind" })
            #expect(score.factors.contains { $0.name == "overrides" })
        }
    }
}

@Suite("Truthful run page")
struct TruthfulRunPageTests {
    @Test("a failed step turns the forecast red, marks the steps after it blocked and offers to try it again; a retry is a new attempt")
    func failedStepAndRetry() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            let (_, run) = try await RunPagesTests.liveRun(services)
            _ = try await client.form("/runs/\(run)/act", ["action": "fail", "step": "C05", "comment": "index build ran out of disk"])
            // when
            let failed = try await client.send(.get, "/runs/\(run)").text
            let retried = try await client.form("/runs/\(run)/act", ["action": "retry", "step": "C05", "comment": "disk extended"])
            let after = try await services.runs.view(run)
            // then
            #expect(failed.contains("forecast failed"))
            #expect(failed.contains("C05 failed: the steps after it wait."))
            #expect(failed.contains("blocked: C05 failed"))
            #expect(failed.contains(#"value="retry""#))
            #expect(retried.status == .seeOther)
            #expect(after.run.steps.first { $0.step.key == "C05" }?.progress.state == .running)
            #expect(after.run.log.last?.kind == .retry && after.run.log.last?.text == "attempt 2; disk extended")
        }
    }

    @Test("aborting the live run asks for a reason, stops it and leaves the release failed; the page then says when it ended")
    func abortLiveRun() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            let (release, run) = try await RunPagesTests.liveRun(services)
            // when
            let noReason = try await client.form("/runs/\(run)/act", ["action": "abort"])
            let aborted = try await client.form("/runs/\(run)/act", ["action": "abort", "comment": "the bank's interface is down"])
            let page = try await client.send(.get, "/runs/\(run)").text
            // then
            #expect(noReason.status == .unprocessableContent)
            #expect(aborted.status == .seeOther)
            #expect(try await services.releases.get(release).status == .failed)
            #expect(page.contains("Ended at"))
            #expect(!page.contains("Expected end"))
        }
    }

    @Test("an operator sees no go/no-go, rollback nor abort on the live run, but may still act on steps")
    func operatorSeesNoCutoverCalls() async throws {
        try await TestApp.with(.sqlite, roles: [.operator]) { client, services in
            // given
            let (_, run) = try await RequestOrigin.asSystem { try await RunPagesTests.liveRun(services) }
            // when
            let page = try await client.send(.get, "/runs/\(run)").text
            let aborted = try await RunbookAPITests.act(client, run, "abort", comment: "nope")
            // then
            #expect(page.contains(#"value="complete""#))
            #expect(!page.contains(#"value="rollback""#))
            #expect(!page.contains(#"value="abort""#))
            #expect(aborted.status == .forbidden)
        }
    }
}

@Suite("Runbook editors")
struct RunbookEditorsTests {
    private static func release(_ services: BasculeServices) async throws -> String {
        try await services.releases.create(ReleaseInput(title: "Billing", version: "4.3", type: .minor)).key.description
    }

    @Test("the step editor saves rows as the runbook, predecessors picked from a list (several at once)")
    func stepEditorSaves() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            let key = try await Self.release(services)
            let editor = try await client.send(.get, "/releases/\(key)/runbook/edit")
            let body = ["step.0.key=stop", "step.0.title=Stop", "step.0.minutes=10", "step.0.phase=cutover", "step.0.kind=manual",
                        "step.1.key=backup", "step.1.title=Back+up", "step.1.minutes=20", "step.1.phase=preparation", "step.1.kind=backup",
                        "step.2.key=deploy", "step.2.title=Deploy", "step.2.minutes=15", "step.2.phase=cutover", "step.2.kind=command",
                        "step.2.after=stop", "step.2.after=backup", "step.2.downtime=on", "step.3.key=", "revision=0"].joined(separator: "&")
            // when
            let saved = try await client.raw.execute(uri: "/releases/\(key)/runbook/steps", method: .post,
                                                     headers: [.authorization: "Bearer \(client.token)", .contentType: "application/x-www-form-urlencoded"],
                                                     body: ByteBuffer(string: body)) { $0 }
            let runbook = try await services.runbooks.get(key).runbook
            // then
            #expect(editor.status == .ok)
            #expect(saved.status == .seeOther, "\(saved.text)")
            #expect(runbook.steps.map(\.key) == ["stop", "backup", "deploy"])
            #expect(runbook.steps.last?.predecessors == ["stop", "backup"])
            #expect(runbook.steps.last?.downtime == true)
        }
    }

    @Test("a cycle made in the step editor comes back as typed with the cycle named")
    func stepEditorCycle() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            let key = try await Self.release(services)
            let body = ["step.0.key=a", "step.0.title=A", "step.0.minutes=5", "step.0.after=b", "step.0.phase=cutover", "step.0.kind=manual",
                        "step.1.key=b", "step.1.title=B", "step.1.minutes=5", "step.1.after=a", "step.1.phase=cutover", "step.1.kind=manual", "revision=0"].joined(separator: "&")
            // when
            let refused = try await client.raw.execute(uri: "/releases/\(key)/runbook/steps", method: .post,
                                                       headers: [.authorization: "Bearer \(client.token)", .contentType: "application/x-www-form-urlencoded"],
                                                       body: ByteBuffer(string: body)) { $0 }
            // then
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("a → b → a"))
            #expect(refused.text.contains(#"name="step.1.key" value="b""#))
        }
    }

    @Test("a YAML runbook refused stays in the editor on the runbook tab with its error and line, not on an error page")
    func yamlErrorsInEditor() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            let key = try await Self.release(services)
            let yaml = "steps:\n  - {key: a, title: A, duration: 5m, after: [b]}\n  - {key: b, title: B, duration: 5m, after: [a]}\n"
            // when
            let refused = try await client.form("/releases/\(key)/runbook", ["yaml": yaml, "revision": "0"])
            // then
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains(#"id="runbook""#))
            #expect(refused.text.contains("a → b → a"))
            #expect(refused.text.contains("after: [b]}"))
        }
    }

    @Test("the template library lists the demo's template, and applying it makes a release's runbook")
    func templateLibrary() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            _ = try await GatePagesTests.demo(services)
            let key = try await services.releases.create(ReleaseInput(title: "ERP 2.1", version: "2.1", type: .minor)).key.description
            // when
            let library = try await client.send(.get, "/runbooks").text
            let template = try await client.send(.get, "/runbooks/erp-standard").text
            let applied = try await client.form("/runbooks/erp-standard/apply", ["release": key, "var.application": "ERP"])
            // then
            #expect(library.contains(#"href="/runbooks/erp-standard""#))
            #expect(template.contains("Use for a release"))
            #expect(applied.status == .seeOther)
            #expect(try await services.runbooks.get(key).runbook.steps.count == 44)
        }
    }
}
