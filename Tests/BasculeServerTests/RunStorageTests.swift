import BasculeCore
import BasculeServer
import BasculeStore
import BasculeTestSupport
import Foundation
import Testing

/// Runs stored as step definitions and a compact progress, and runs stored before that.
@Suite("Run storage")
struct RunStorageTests {
    @Test("a run written before progress had its own column reads the same", arguments: TestEngine.available)
    func legacyRows(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given a rehearsal with a step done and one running
            try await RunbookAPITests.ready(client, services)
            let run = try await services.runs.create(in: "REL-1", kind: .rehearsal)
            _ = try await services.runs.act(run.id.uuidString, .start("backup"))
            _ = try await services.runs.act(run.id.uuidString, .complete("backup"))
            _ = try await services.runs.act(run.id.uuidString, .start("stop"))
            let before = try await services.runs.view(run.id.uuidString).run
            // when its row is rewritten the way the previous schema kept it
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .millisecondsSince1970
            encoder.outputFormatting = [.sortedKeys]
            let legacy = String(decoding: try encoder.encode(before.steps), as: UTF8.self).replacingOccurrences(of: "'", with: "''")
            try await services.store.execute(raw: "UPDATE run_definitions SET steps = '\(legacy)' WHERE run_id = '\(run.id.uuidString)'")
            try await services.store.execute(raw: "UPDATE runs SET progress = NULL, steps_revision = 9 WHERE id = '\(run.id.uuidString)'")
            let after = try await services.runs.view(run.id.uuidString).run
            _ = try await services.runs.act(run.id.uuidString, .complete("stop"))
            let acted = try await services.runs.view(run.id.uuidString).run
            // then
            #expect(after.steps == before.steps)
            #expect(acted.steps.first { $0.step.key == "stop" }?.progress.state == .done)
        }
    }

    @Test("a rollback's added steps are stored with the run and read back after it", arguments: TestEngine.available)
    func rollbackStepsStored(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            try await RunbookAPITests.ready(client, services)
            let run = try await services.runs.create(in: "REL-1", kind: .live)
            for key in ["backup", "stop"] {
                _ = try await services.runs.act(run.id.uuidString, .start(key))
                _ = try await services.runs.act(run.id.uuidString, .complete(key))
            }
            // when
            _ = try await services.runs.act(run.id.uuidString, .rollback(reason: "database slower than rehearsed"))
            let read = try await services.runs.view(run.id.uuidString).run
            // then
            #expect(read.steps.filter { $0.segment == .rollback }.map(\.step.key) == ["restart"])
        }
    }
}

@Suite("Action answers")
struct ActionAnswerTests {
    @Test("an action answers with what it changed, not the whole run")
    func answerIsSmall() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            try await RunbookAPITests.ready(client, services)
            let run = try await client.send(.post, "/api/v1/releases/REL-1/runs", json: #"{"kind":"rehearsal"}"#).json()["id"] as? String ?? ""
            // when
            let started = try await RunbookAPITests.act(client, run, "start", "backup").json()
            // then
            #expect(started["status"] as? String == "running")
            #expect((started["action"] as? [String: Any])?["step"] as? String == "backup")
            #expect((started["steps"] as? [[String: Any]])?.map { $0["key"] as? String } == ["backup"])
            #expect(started["forecast"] == nil)
        }
    }
}
