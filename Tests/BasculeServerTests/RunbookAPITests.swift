import BasculeCore
import BasculeServer
import BasculeTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Runbooks, rehearsals and the live run through the API.
@Suite("Runbooks and runs")
struct RunbookAPITests {
    static let yaml = """
        steps:
          - {key: backup, title: Back up the database, duration: 10m, kind: backup}
          - {key: stop, title: Stop billing, duration: 5m, after: [backup], downtime: true, undoneBy: restart}
          - {key: deploy, title: Deploy 4.3, duration: 20m, after: [stop], kind: command, downtime: true, undoneBy: redeploy}
          - {key: notify, title: Tell the help desk, duration: 5m, after: [backup], kind: communication}
          - {key: go, title: Go / no-go, duration: 5m, after: [deploy, notify], kind: goNoGo}
          - {key: redeploy, title: Redeploy 4.2, duration: 15m, phase: rollback}
          - {key: restart, title: Restart billing, duration: 5m, phase: rollback}
        """

    static func ready(_ client: SignedInClient, _ services: BasculeServices) async throws {
        try await client.send(.post, "/api/v1/environments", json: Samples.production)
        try await client.send(.post, "/api/v1/releases", json: Samples.plannedRelease)
        let imported = try await client.send(.put, "/api/v1/releases/REL-1/runbook/yaml", json: yaml, headers: [.contentType: "application/yaml"])
        #expect(imported.status == .ok, "\(imported.text)")
        for status in ["planned", "approved", "ready"] {
            try await client.send(.post, "/api/v1/releases/REL-1/transitions", json: #"{"to":"\#(status)"}"#)
        }
    }

    static func act(_ client: SignedInClient, _ run: String, _ action: String, _ step: String? = nil, comment: String? = nil, decision: String? = nil) async throws -> TestResponse {
        var fields = [#""action":"\#(action)""#]
        if let step { fields.append(#""step":"\#(step)""#) }
        if let comment { fields.append(#""comment":"\#(comment)""#) }
        if let decision { fields.append(#""decision":"\#(decision)""#) }
        return try await client.send(.post, "/api/v1/runs/\(run)/actions", json: "{\(fields.joined(separator: ","))}")
    }

    @Test("a YAML runbook is stored with its critical path and exported the same; a cycle is refused and named", arguments: TestEngine.available)
    func runbookRoundTrip(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given
            try await client.send(.post, "/api/v1/releases", json: Samples.release)
            // when
            let imported = try await client.send(.put, "/api/v1/releases/REL-1/runbook/yaml", json: Self.yaml, headers: [.contentType: "application/yaml"]).json()
            let exported = try await client.send(.get, "/api/v1/releases/REL-1/runbook/yaml").text
            let again = try await client.send(.put, "/api/v1/releases/REL-1/runbook/yaml", json: exported, headers: [.contentType: "application/yaml"]).json()
            let cycle = try await client.send(.put, "/api/v1/releases/REL-1/runbook", json: #"{"steps":[{"key":"a","title":"A","phase":"cutover","plannedMinutes":5,"kind":"manual","predecessors":["b"]},{"key":"b","title":"B","phase":"cutover","plannedMinutes":5,"kind":"manual","predecessors":["a"]}]}"#)
            let negative = try await client.send(.put, "/api/v1/releases/REL-1/runbook", json: #"{"steps":[{"key":"a","title":"A","phase":"cutover","plannedMinutes":-5,"kind":"manual"}]}"#)
            // then
            #expect(imported["criticalPath"] as? [String] == ["backup", "stop", "deploy", "go"])
            #expect(imported["plannedMinutes"] as? Double == 40)
            #expect(again["revision"] as? Int == 2)
            #expect((again["steps"] as? [Any])?.count == 7)
            #expect(cycle.status == .unprocessableContent)
            #expect(cycle.text.contains("the steps a → b → a form a cycle"))
            #expect(try negative.problemFields() == ["steps[a].plannedDuration"])
        }
    }

    @Test("a live run needs the release ready, with the reasons, and a rehearsal can run any time before", arguments: TestEngine.available)
    func liveNeedsReady(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given
            try await client.send(.post, "/api/v1/environments", json: Samples.production)
            try await client.send(.post, "/api/v1/releases", json: Samples.plannedRelease)
            try await client.send(.put, "/api/v1/releases/REL-1/runbook/yaml", json: Self.yaml, headers: [.contentType: "application/yaml"])
            // when
            let live = try await client.send(.post, "/api/v1/releases/REL-1/runs", json: #"{"kind":"live"}"#)
            let rehearsal = try await client.send(.post, "/api/v1/releases/REL-1/runs", json: #"{"kind":"rehearsal"}"#)
            // then
            #expect(live.status == .unprocessableContent)
            #expect(live.text.contains("needs the release ready"))
            #expect(rehearsal.status == .created)
            #expect(try rehearsal.json()["kind"] as? String == "rehearsal")
        }
    }

    @Test("the live run moves the release: in progress at the first action, deployed after the go", arguments: TestEngine.available)
    func liveRun(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            try await Self.ready(client, services)
            let run = try await client.send(.post, "/api/v1/releases/REL-1/runs", json: #"{"kind":"live"}"#).json()["id"] as? String ?? ""
            // when
            let early = try await Self.act(client, run, "start", "stop")
            _ = try await Self.act(client, run, "start", "backup")
            let status = try await client.send(.get, "/api/v1/releases/REL-1").json()["status"] as? String
            _ = try await Self.act(client, run, "complete", "backup")
            let twice = try await Self.act(client, run, "complete", "backup")
            for key in ["stop", "deploy", "notify"] {
                _ = try await Self.act(client, run, "start", key)
                _ = try await Self.act(client, run, "complete", key)
            }
            _ = try await Self.act(client, run, "start", "go")
            let noReason = try await Self.act(client, run, "decide", "go", decision: "go")
            let go = try await Self.act(client, run, "decide", "go", comment: "Smoke tests green", decision: "go").json()
            let after = try await Self.act(client, run, "note", comment: "late")
            // then
            #expect(early.status == .conflict)
            #expect(early.text.contains("stop waits for backup"))
            #expect(status == "inProgress")
            #expect(twice.status == .conflict)
            #expect(noReason.status == .unprocessableContent)
            #expect(go["status"] as? String == "finished")
            #expect((go["action"] as? [String: Any])?["kind"] as? String == "decide")
            let whole = try await client.send(.get, "/api/v1/runs/\(run)").json()
            #expect(((whole["log"] as? [[String: Any]]) ?? []).contains { ($0["text"] as? String)?.contains("completed by hand") == true })
            #expect(after.status == .conflict)
            #expect(try await client.send(.get, "/api/v1/releases/REL-1").json()["status"] as? String == "deployed")
        }
    }

    @Test("two operators completing the same step at once: one wins, the other gets 409", arguments: TestEngine.available)
    func concurrentCompletion(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            try await client.send(.post, "/api/v1/releases", json: Samples.release)
            try await client.send(.put, "/api/v1/releases/REL-1/runbook/yaml", json: Self.yaml, headers: [.contentType: "application/yaml"])
            let run = try await services.runs.create(in: "REL-1", kind: .rehearsal)
            _ = try await services.runs.act(run.id.uuidString, .start("backup"))
            // when
            let answers = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 { group.addTask { Int(try await Self.act(client, run.id.uuidString, "complete", "backup").status.code) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // then
            #expect(answers.sorted() == [200, 409, 409, 409])
            let log = try await services.runs.view(run.id.uuidString).run.log
            #expect(log.filter { $0.kind == .complete }.count == 1)
        }
    }

    @Test("rolling back a live run runs the undo steps of what was done, in reverse, and the release ends rolled back", arguments: TestEngine.available)
    func rollback(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            try await Self.ready(client, services)
            let run = try await client.send(.post, "/api/v1/releases/REL-1/runs", json: #"{"kind":"live"}"#).json()["id"] as? String ?? ""
            for key in ["backup", "stop", "deploy"] {
                _ = try await Self.act(client, run, "start", key)
                _ = try await Self.act(client, run, "complete", key)
            }
            // when
            let rolling = try await Self.act(client, run, "rollback", comment: "Invoices wrong").json()
            for key in ["redeploy", "restart"] {
                _ = try await Self.act(client, run, "start", key)
                _ = try await Self.act(client, run, "complete", key)
            }
            // then
            let segment = ((rolling["steps"] as? [[String: Any]]) ?? []).filter { $0["segment"] as? String == "rollback" }.map { $0["key"] as? String }
            #expect(segment == ["redeploy", "restart"])
            #expect(try await client.send(.get, "/api/v1/releases/REL-1").json()["status"] as? String == "rolledBack")
        }
    }

    @Test("the forecast uses rehearsal durations and the watchers of a run receive each action")
    func forecastAndEvents() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given a rehearsal in which every step took twice its planned time
            let clock = TestClock()
            try await client.send(.post, "/api/v1/releases", json: Samples.release)
            try await client.send(.put, "/api/v1/releases/REL-1/runbook/yaml", json: Self.yaml, headers: [.contentType: "application/yaml"])
            let timed = RunService(store: services.store, now: { clock.now })
            let rehearsal = try await services.runs.create(in: "REL-1", kind: .rehearsal)
            for (key, minutes) in [("backup", 20.0), ("stop", 10), ("deploy", 40), ("notify", 10)] {
                _ = try await timed.act(rehearsal.id.uuidString, .start(key))
                clock.advance(by: minutes * 60)
                _ = try await timed.act(rehearsal.id.uuidString, .complete(key))
            }
            let second = try await services.runs.create(in: "REL-1", kind: .rehearsal)
            let stream = await services.runs.events.watch(second.id)
            // when
            let view = try await services.runs.view(second.id.uuidString)
            _ = try await services.runs.act(second.id.uuidString, .start("backup"))
            var iterator = stream.makeAsyncIterator()
            let event = await iterator.next()
            // then backup, stop, deploy now take 70 minutes instead of 35, plus the go step
            #expect(abs(view.forecast.expectedEnd.timeIntervalSince(view.planned.end) / 60 - 35) < 1)
            #expect(view.forecast.p90End > view.forecast.p50End)
            #expect(event?.text.contains("event: action") == true)
            #expect(event?.text.contains(#""step":"backup""#) == true)
        }
    }
}
