import BasculeCore
import BasculeServer
import BasculeTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Promotion through environments, and environments' mirrors, through the API.
@Suite("Promotion API")
struct PromotionAPITests {
    /// recette (test), preprod (preproduction, mirrors production), production; REL-1 bound for
    /// production; the promotion rule in force.
    static func path(_ client: SignedInClient, rule: Bool = true) async throws {
        for (name, kind) in [("dev", "development"), ("recette", "test"), ("preprod", "preproduction"), ("production", "production")] {
            try await client.send(.post, "/api/v1/environments", json: #"{"name":"\#(name)","kind":"\#(kind)"}"#)
        }
        try await client.send(.post, "/api/v1/releases", json: Samples.plannedRelease)
        if rule {
            try await client.send(.put, "/api/v1/policy", json: "timeZone: Europe/Paris\nrules:\n  - id: in-turn\n    kind: promotion\n",
                                  headers: [.contentType: "application/yaml"])
        }
    }

    static func promote(_ client: SignedInClient, _ environment: String, _ outcome: String = "deployed", extra: String = "") async throws -> TestResponse {
        try await client.send(.post, "/api/v1/releases/REL-1/promotion", json: #"{"environment":"\#(environment)","outcome":"\#(outcome)"\#(extra)}"#)
    }

    static func test(_ client: SignedInClient, on environment: String, failed: Int = 0) async throws {
        let recorded = try await client.send(.post, "/api/v1/releases/REL-1/test-campaigns", json: #"""
            {"kind":"regression","environment":"\#(environment)","passed":40,"failed":\#(failed),"skipped":0}
            """#)
        #expect(recorded.status == .created, "\(recorded.text)")
    }

    @Test("a release goes through recette and preprod in turn: each deployment and the tests since are shown where it stands", arguments: TestEngine.available)
    func inTurn(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given
            try await Self.path(client)
            // when
            let early = try await Self.promote(client, "preprod")
            let recette = try await Self.promote(client, "recette")
            let untested = try await Self.promote(client, "preprod")
            try await Self.test(client, on: "recette", failed: 2)
            let failing = try await client.send(.get, "/api/v1/releases/REL-1/promotion").json()
            try await Self.test(client, on: "recette")
            let preprod = try await Self.promote(client, "preprod", extra: #","note":"smooth""#)
            let path = try preprod.json()
            let audit = try await client.send(.get, "/api/v1/audit?target=REL-1").text
            // then
            #expect(early.status == .conflict && early.text.contains("cannot be promoted to preprod: it is not deployed on recette yet (rule `in-turn`)"))
            #expect(recette.status == .created, "\(recette.text)")
            #expect(untested.status == .conflict && untested.text.contains("no test campaign was run on recette"))
            #expect(failing["blocked"] as? String == "tests fail on recette")
            #expect(preprod.status == .created, "\(preprod.text)")
            let stops = path["stops"] as? [[String: Any]] ?? []
            #expect(stops.map { $0["environment"] as? String } == ["recette", "preprod", "production"])
            #expect(stops.map { $0["standing"] as? String } == ["passed", "untested", "pending"])
            #expect((stops[0]["campaigns"] as? [Any])?.count == 2)
            #expect(path["current"] as? String == "preprod" && path["next"] as? String == "production" && path["rule"] as? String == "in-turn")
            #expect(((stops[1]["deployments"] as? [[String: Any]])?.first?["note"] as? String) == "smooth")
            #expect(audit.contains("promotion.record") && audit.contains("preprod: deployed"))
        }
    }

    @Test("a failure is always recorded; off the path, another release's run or a future date is refused", arguments: TestEngine.available)
    func refusals(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given
            try await Self.path(client)
            // when
            let failed = try await Self.promote(client, "preprod", "failed")
            let development = try await Self.promote(client, "dev")
            let unknown = try await Self.promote(client, "staging")
            let run = try await Self.promote(client, "recette", extra: #","run":"\#(UUID().uuidString)""#)
            let future = try await Self.promote(client, "recette", extra: #","at":"2099-01-01T00:00:00Z""#)
            let badOutcome = try await Self.promote(client, "recette", "maybe")
            let path = try await client.send(.get, "/api/v1/releases/REL-1/promotion").json()
            // then
            #expect(failed.status == .created, "\(failed.text)")
            #expect(development.status == .unprocessableContent && development.text.contains("dev is not on the promotion path of REL-1 (recette, preprod, production)"))
            #expect(unknown.status == .unprocessableContent)
            #expect(run.status == .unprocessableContent && run.text.contains("names no run of REL-1"))
            #expect(future.status == .unprocessableContent && future.text.contains("must not be in the future"))
            #expect(badOutcome.status == .badRequest)
            #expect((path["stops"] as? [[String: Any]])?.map { $0["standing"] as? String } == ["pending", "failed", "pending"])
        }
    }

    @Test("with the promotion rule, the gate into ready waits for the environments before the release's own", arguments: TestEngine.available)
    func gate(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given
            try await Self.path(client)
            for status in ["planned", "approved"] { try await client.send(.post, "/api/v1/releases/REL-1/transitions", json: #"{"to":"\#(status)"}"#) }
            // when
            let early = try await client.send(.post, "/api/v1/releases/REL-1/transitions", json: #"{"to":"ready"}"#)
            for environment in ["recette", "preprod"] {
                #expect(try await Self.promote(client, environment).status == .created)
                try await Self.test(client, on: environment)
            }
            let later = try await client.send(.post, "/api/v1/releases/REL-1/transitions", json: #"{"to":"ready"}"#)
            // then
            #expect(early.status == .unprocessableContent && early.text.contains("it cannot reach recette") == false)
            #expect(early.text.contains("it cannot reach preprod: it is not deployed on recette yet"), "\(early.text)")
            #expect(later.status == .ok, "\(later.text)")
        }
    }

    @Test("the live run records its end on the release's environment, with the run", arguments: TestEngine.available)
    func liveRunRecorded(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given a ready release whose live run goes through
            try await RunbookAPITests.ready(client, services)
            let run = try await client.send(.post, "/api/v1/releases/REL-1/runs", json: #"{"kind":"live"}"#).json()["id"] as? String ?? ""
            // when
            for key in ["backup", "stop", "deploy", "notify", "go"] {
                _ = try await RunbookAPITests.act(client, run, "start", key)
                if key != "go" { _ = try await RunbookAPITests.act(client, run, "complete", key) }
            }
            _ = try await RunbookAPITests.act(client, run, "decide", "go", comment: "Smoke tests green", decision: "go")
            let path = try await client.send(.get, "/api/v1/releases/REL-1/promotion").json()
            // then
            let stop = (path["stops"] as? [[String: Any]])?.last
            let deployment = (stop?["deployments"] as? [[String: Any]])?.first
            #expect(stop?["environment"] as? String == "production" && stop?["standing"] as? String == "untested")
            #expect((deployment?["run"] as? String)?.lowercased() == run.lowercased() && deployment?["outcome"] as? String == "deployed")
        }
    }

    @Test("an environment says what it mirrors and when it was refreshed; a loop, itself or an unknown one is refused", arguments: TestEngine.available)
    func mirrors(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given
            try await Self.path(client, rule: false)
            // when
            let unrefreshable = try await client.send(.post, "/api/v1/environments/preprod/refresh", json: "{}")
            let set = try await client.send(.put, "/api/v1/environments/preprod/mirror", json: #"{"mirrors":"production"}"#)
            let loop = try await client.send(.put, "/api/v1/environments/production/mirror", json: #"{"mirrors":"preprod"}"#)
            let itself = try await client.send(.put, "/api/v1/environments/preprod/mirror", json: #"{"mirrors":"preprod"}"#)
            let unknown = try await client.send(.put, "/api/v1/environments/staging/mirror", json: #"{"mirrors":"production"}"#)
            let refreshed = try await client.send(.post, "/api/v1/environments/preprod/refresh", json: #"{"at":"2026-11-02T06:00:00Z"}"#).json()
            let path = try await client.send(.get, "/api/v1/releases/REL-1/promotion").json()
            // then
            #expect(unrefreshable.status == .unprocessableContent && unrefreshable.text.contains("preprod mirrors no environment"))
            let mirrored = try set.json()["mirrors"] as? String
            #expect(set.status == .ok && mirrored == "production")
            #expect(loop.status == .unprocessableContent && loop.text.contains("would make a loop of mirrors: production → preprod → production"))
            #expect(itself.status == .unprocessableContent)
            #expect(unknown.status == .notFound)
            #expect(refreshed["refreshedAt"] as? String == "2026-11-02T06:00:00Z")
            let preprod = (path["stops"] as? [[String: Any]])?[1]
            #expect(preprod?["mirrors"] as? String == "production" && preprod?["refreshedAt"] as? String == "2026-11-02T06:00:00Z")
        }
    }
}
