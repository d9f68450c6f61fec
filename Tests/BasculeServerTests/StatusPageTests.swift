import BasculeCore
@testable import BasculeServer
import BasculeStore
import BasculeTestSupport
import Foundation
import FoundationXML
import HTTPTypes
import Testing

@Suite("The public status page")
struct StatusPageTests {
    /// Payroll (a business service) depends on pay-db; REL-1 changes pay-db in production,
    /// REL-2 the same in recette (not published), REL-3 is a draft.
    static func fixture(_ services: BasculeServices) async throws {
        _ = try await services.environments.create(name: "production", kind: .production)
        _ = try await services.environments.create(name: "recette", kind: .test)
        _ = try await services.inventory.create(CIInput(key: "pay-db", name: "Payroll database", type: "database"))
        _ = try await services.inventory.create(CIInput(key: "payroll", name: "Payroll", type: "service", dependsOn: ["pay-db"]))
        let start = Date().addingTimeInterval(2 * 86_400)
        for (title, environment) in [("Payroll 4.2", "production"), ("Payroll 4.2 test", "recette"), ("Payroll 4.3", "production")] {
            let release = try await services.releases.create(ReleaseInput(title: title, version: "4", type: .minor, plannedStart: start,
                                                                          plannedEnd: start.addingTimeInterval(3 * 3600), environment: environment))
            _ = try await services.changes.create(in: release.key.description, ChangeFields(title: "Schema", items: ["pay-db"]))
        }
        _ = try await services.releases.transition("REL-1", to: .planned)
        _ = try await services.releases.transition("REL-2", to: .planned)
        _ = try await services.statusPage.publish(environments: ["production"], services: ["payroll"])
    }

    @Test("anyone, signed in or not, sees the planned disruption of a published service in a published environment, and nothing else", arguments: TestEngine.available)
    func publicBoard(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            try await Self.fixture(services)
            // when
            let page = try await client.raw.send(.get, "/status", headers: [.acceptLanguage: "fr"])
            let json = try await client.raw.send(.get, "/status.json")
            // then
            #expect(page.status == .ok)
            #expect(page.text.contains("Indisponibilité de Payroll"))
            #expect(page.text.contains("Payroll 4.2"))
            #expect(!page.text.contains("Payroll 4.2 test"), "recette is not published")
            #expect(!page.text.contains("Payroll 4.3"), "a draft is not announced")
            let upcoming = try json.json()["upcoming"] as? [[String: Any]] ?? []
            #expect(upcoming.map { $0["release"] as? String } == ["REL-1"])
            #expect(upcoming.first?["state"] as? String == "scheduled")
        }
    }

    @Test("the Atom feed is well-formed XML with one entry per disruption; an unpublished service is 404", arguments: TestEngine.available)
    func feed(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            try await Self.fixture(services)
            // when
            let feed = try await client.raw.send(.get, "/status.atom?service=payroll")
            let missing = try await client.raw.send(.get, "/status?service=pay-db")
            let missingJSON = try await client.raw.send(.get, "/status.json?service=nothing")
            // then
            #expect(feed.headers[.contentType]?.hasPrefix("application/atom+xml") == true)
            let parser = XMLParser(data: Data(feed.text.utf8))
            #expect(parser.parse(), "\(feed.text)")
            #expect(feed.text.components(separatedBy: "<entry>").count == 2)
            #expect(missing.status == .notFound)
            #expect(missingJSON.status == .notFound)
            #expect(missingJSON.headers[.contentType] == "application/problem+json")
        }
    }

    @Test("publishing an unknown environment or an item that is not a business service is refused with the field", arguments: TestEngine.available)
    func badPublication(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            try await Self.fixture(services)
            // when
            let response = try await client.send(.put, "/api/v1/status-page", json: #"{"environments":["mars"],"services":["pay-db"]}"#)
            // then
            #expect(response.status == .unprocessableContent)
            #expect(response.text.contains("mars"))
            #expect(response.text.contains("not a business service"))
            let kept = try await client.send(.get, "/api/v1/status-page").json()
            #expect(kept["environments"] as? [String] == ["production"], "nothing half-written")
        }
    }

    @Test("a conflict that appears on a planned release is told once while it lasts", arguments: TestEngine.available)
    func conflictTold(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given: REL-1 and REL-2 both change pay-db in production at the same time
            try await Self.fixture(services)
            let watch = CalendarWatch(store: services.store, now: Date.init)
            _ = try await client.send(.post, "/api/v1/subscriptions", json: #"{"scope":"everything","kinds":["conflict.appeared"],"channels":["inbox"]}"#)
            _ = try await watch.watch()
            var changes = ReleaseChanges()
            changes.environment = .some("production")
            _ = try await services.releases.update("REL-2", changes: changes)
            // when
            let first = try await watch.watch()
            let again = try await watch.watch()
            _ = try await NoticeFanout(store: services.store, now: Date.init).handOutAll()
            // then
            #expect(first == 2, "each release of the pair is told")
            #expect(again == 0)
            let inbox = try await client.send(.get, "/api/v1/notifications").json()["items"] as? [[String: Any]] ?? []
            #expect(inbox.filter { $0["kind"] as? String == "conflict.appeared" }.count == 2)
        }
    }
}

