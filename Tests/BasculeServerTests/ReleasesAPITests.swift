import BasculeServer
import BasculeTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Releases API")
struct ReleasesAPITests {
    @Test("creating a release answers 201 with its key, an ETag and a Location", arguments: TestEngine.available)
    func create(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given
            try await client.send(.post, "/api/v1/environments", json: Samples.production)
            // when
            let response = try await client.send(.post, "/api/v1/releases", json: Samples.plannedRelease)
            // then
            #expect(response.status == .created)
            #expect(response.headers[.eTag] == "\"1\"")
            #expect(response.headers[.location] == "/api/v1/releases/REL-1")
            let body = try response.json()
            #expect(body["key"] as? String == "REL-1")
            #expect(body["status"] as? String == "draft")
            #expect(body["plannedStart"] as? String == "2027-03-05T21:00:00Z")
            #expect(body["environment"] as? String == "production")
            #expect(body["allowedTransitions"] as? [String] == ["planned", "cancelled"])
        }
    }

    @Test("a release is read back with the same ETag", arguments: TestEngine.available)
    func read(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given
            try await client.send(.post, "/api/v1/releases", json: Samples.release)
            // when
            let response = try await client.send(.get, "/api/v1/releases/rel-1")
            // then
            #expect(response.status == .ok)
            #expect(response.headers[.eTag] == "\"1\"")
            #expect(try response.json()["title"] as? String == "Billing 4.2")
        }
    }

    @Test("a transition moves the release and changes its ETag", arguments: TestEngine.available)
    func transition(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given
            try await client.send(.post, "/api/v1/environments", json: Samples.production)
            try await client.send(.post, "/api/v1/releases", json: Samples.plannedRelease)
            // when
            let response = try await client.send(.post, "/api/v1/releases/REL-1/transitions", json: #"{"to":"planned"}"#, headers: [.ifMatch: "\"1\""])
            // then
            #expect(response.status == .ok)
            #expect(response.headers[.eTag] == "\"2\"")
            #expect(try response.json()["status"] as? String == "planned")
        }
    }

    @Test("PATCH changes only the fields given", arguments: TestEngine.available)
    func patch(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given
            try await client.send(.post, "/api/v1/environments", json: Samples.production)
            try await client.send(.post, "/api/v1/releases", json: Samples.plannedRelease)
            // when
            let response = try await client.send(.patch, "/api/v1/releases/REL-1", json: #"{"title":"Billing 4.2.1","owner":""}"#)
            // then
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(body["title"] as? String == "Billing 4.2.1")
            #expect(body["owner"] == nil)
            #expect(body["version"] as? String == "4.2.0")
            #expect(body["environment"] as? String == "production")
            #expect(body["revision"] as? Int == 2)
        }
    }

    @Test("a draft is deleted and then gone", arguments: TestEngine.available)
    func deleteDraft(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given
            try await client.send(.post, "/api/v1/releases", json: Samples.release)
            // when
            let response = try await client.send(.delete, "/api/v1/releases/REL-1", headers: [.ifMatch: "\"1\""])
            // then
            #expect(response.status == .noContent)
            #expect(try await client.send(.get, "/api/v1/releases/REL-1").status == .notFound)
        }
    }

    @Test("the list filters and pages with a cursor", arguments: TestEngine.available)
    func listAndPage(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given
            try await client.send(.post, "/api/v1/environments", json: Samples.production)
            for day in 1...5 {
                try await client.send(.post, "/api/v1/releases", json: #"{"title":"R\#(day)","version":"1.0.\#(day)","type":"patch","plannedStart":"2027-03-0\#(day)T21:00:00Z","plannedEnd":"2027-03-0\#(day)T22:00:00Z","environment":"production"}"#)
            }
            try await client.send(.post, "/api/v1/releases/REL-2/transitions", json: #"{"to":"planned"}"#)
            // when
            let first = try await client.send(.get, "/api/v1/releases?limit=3").json()
            let cursor = try #require(first["nextCursor"] as? String)
            let second = try await client.send(.get, "/api/v1/releases?limit=3&cursor=\(cursor)").json()
            let planned = try await client.send(.get, "/api/v1/releases?status=planned,cancelled").json()
            let drafts = try await client.send(.get, "/api/v1/releases?status=draft&limit=2").json()
            let windowed = try await client.send(.get, "/api/v1/releases?from=2027-03-03T00:00:00Z&to=2027-03-04T23:00:00Z").json()
            let searched = try await client.send(.get, "/api/v1/releases?q=1.0.5").json()
            // then
            let keys = { (page: [String: Any]) in (page["items"] as? [[String: Any]] ?? []).compactMap { $0["key"] as? String } }
            #expect(keys(first) == ["REL-1", "REL-2", "REL-3"])
            #expect(keys(second) == ["REL-4", "REL-5"])
            #expect(second["nextCursor"] == nil)
            #expect(keys(planned) == ["REL-2"])
            #expect(keys(drafts) == ["REL-1", "REL-3"])
            #expect(keys(windowed) == ["REL-3", "REL-4"])
            #expect(keys(searched) == ["REL-5"])
        }
    }

    @Test("environments are created and listed in promotion order", arguments: TestEngine.available)
    func environments(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given
            try await client.send(.post, "/api/v1/environments", json: Samples.production)
            try await client.send(.post, "/api/v1/environments", json: #"{"name":"recette","kind":"test","order":1}"#)
            // when
            let page = try await client.send(.get, "/api/v1/environments").json()
            // then
            let names = (page["items"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(names == ["recette", "production"])
        }
    }

    @Test("health names the engine and the OpenAPI document is served", arguments: TestEngine.available)
    func healthAndDocument(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // when
            let health = try await client.send(.get, "/api/v1/health")
            let root = try await client.send(.get, "/health")
            let document = try await client.send(.get, "/api/v1/openapi.yaml")
            // then
            #expect(try health.json()["database"] as? String == engine.rawValue)
            #expect(try root.json()["status"] as? String == "ok")
            #expect(document.status == .ok)
            #expect(document.text.hasPrefix("openapi: 3.1.0"))
        }
    }

    @Test("every answer carries the security headers")
    func securityHeaders() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let response = try await client.send(.get, "/api/v1/releases")
            #expect(response.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
            #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "same-origin")
        }
    }
}
