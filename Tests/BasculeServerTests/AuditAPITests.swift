@testable import BasculeCLI
import BasculeCore
import BasculeServer
import BasculeStore
import BasculeTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Audit of writes")
struct AuditAPITests {
    @Test("every write through the API leaves one event saying what changed", arguments: TestEngine.available)
    func writesAreAudited(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            try await client.send(.post, "/api/v1/environments", json: Samples.production)
            try await client.send(.post, "/api/v1/releases", json: Samples.plannedRelease)
            try await client.send(.patch, "/api/v1/releases/REL-1", json: #"{"title":"Billing 4.2.1"}"#)
            try await client.send(.post, "/api/v1/releases/REL-1/transitions", json: #"{"to":"planned"}"#)
            try await client.send(.post, "/api/v1/releases", json: Samples.release)
            try await client.send(.delete, "/api/v1/releases/REL-2")
            // when
            let page = try await client.send(.get, "/api/v1/audit?target=REL-1").json()
            let all = try await client.send(.get, "/api/v1/audit?limit=200").json()
            // then
            let events = page["items"] as? [[String: Any]] ?? []
            #expect(events.compactMap { $0["action"] as? String } == ["release.transition", "release.update", "release.create"])
            #expect(events.first?["summary"] as? String == "status: draft → planned")
            #expect(events[1]["summary"] as? String == #"title: "Billing 4.2" → "Billing 4.2.1""#)
            #expect(events.allSatisfy { $0["actor"] as? String == client.username })
            // The test user and its token were the first two events.
            #expect((all["items"] as? [[String: Any]])?.count == 8)
            #expect(try await services.audit.verify().intactEvents == 8)
        }
    }

    @Test("concurrent creations get distinct keys and one unbroken trail", arguments: TestEngine.available)
    func concurrentCreations(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // when
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 1...24 {
                    group.addTask {
                        let response = try await client.send(.post, "/api/v1/releases", json: #"{"title":"R\#(index)","version":"1","type":"patch"}"#)
                        #expect(response.status == .created)
                    }
                }
                try await group.waitForAll()
            }
            // then
            let keys = try await services.releases.list(.init(), limit: 200).items.map(\.key.number)
            #expect(Set(keys) == Set(1...24))
            #expect(try await services.audit.verify().intactEvents == 26)
        }
    }

    @Test("a refused write leaves no event")
    func refusalsNotAudited() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            try await client.send(.post, "/api/v1/releases", json: Samples.release)
            // when
            try await client.send(.post, "/api/v1/releases/REL-1/transitions", json: #"{"to":"closed"}"#)
            try await client.send(.patch, "/api/v1/releases/REL-1", json: #"{"title":""}"#)
            // then
            #expect(try await services.audit.verify().intactEvents == 3)
        }
    }

    @Test("the release page shows its history, a change of status in the reader's words")
    func releasePageHistory() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            // given
            try await client.send(.post, "/api/v1/releases", json: Samples.release)
            try await client.send(.post, "/api/v1/releases/REL-1/transitions", json: #"{"to":"cancelled"}"#)
            // when
            let page = try await client.send(.get, "/releases/REL-1").text
            let french = try await client.send(.get, "/releases/REL-1", headers: [.cookie: "bascule_lang=fr"]).text
            // then
            #expect(page.contains("Draft → Cancelled"))
            #expect(french.contains("Brouillon → Annulée"))
            #expect(page.contains("created &quot;Billing 4.2&quot; 4.2.0 (minor)"))
        }
    }

    @Test("bascule audit verify names the event that was tampered with")
    func verifyCommand() async throws {
        // given
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bascule-audit-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try await Store.open(.dataDirectory(folder.path))
        try await Migrator(store: store).migrate()
        let services = BasculeServices(store: store, passwordCost: 4)
        try await RequestOrigin.asSystem {
            _ = try await services.releases.create(ReleaseInput(title: "One", version: "1", type: .minor))
            _ = try await services.releases.create(ReleaseInput(title: "Two", version: "2", type: .minor))
        }
        let intact = try AuditCommand.Verify.parse(["--data-dir", folder.path])
        try await intact.run()
        // when
        try await store.execute(raw: "UPDATE audit_events SET summary = 'created nothing' WHERE sequence = 1")
        await store.close()
        // then
        let tampered = try AuditCommand.Verify.parse(["--data-dir", folder.path])
        let error = await #expect(throws: CLIError.self) { try await tampered.run() }
        #expect(error?.description.contains("the first at event 1") == true)
    }
}
