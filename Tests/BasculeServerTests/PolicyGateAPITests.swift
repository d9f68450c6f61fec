import BasculeCore
import BasculeServer
import BasculeTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The release policy through the API: its document, the gate on transitions, overrides.
@Suite("Release policy and gates")
struct PolicyGateAPITests {
    static func putPolicy(_ client: SignedInClient, _ yaml: String) async throws -> TestResponse {
        try await client.send(.put, "/api/v1/policy", json: yaml, headers: [.contentType: "application/yaml"])
    }

    @Test("an invalid policy is refused whole with line and field, and the policy in force stays", arguments: TestEngine.available)
    func invalidPolicyKeepsOld(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            #expect(try await Self.putPolicy(client, Samples.policy).status == .ok)
            // when
            let response = try await Self.putPolicy(client, "rules:\n  - id: no-friday\n    kind: allowedDays\n    environment: production\n    days: [mon, fridey]\n")
            // then
            #expect(response.status == .unprocessableContent)
            let error = try #require((try response.json()["errors"] as? [[String: Any]])?.first)
            #expect(error["field"] as? String == "rules[0].days[1]")
            #expect(error["line"] as? Int == 5)
            let current = try await client.send(.get, "/api/v1/policy").json()
            #expect(current["version"] as? Int == 1)
            #expect((current["rules"] as? [[String: Any]])?.count == 2)
            #expect(try await services.audit.list(.init(target: "policy")).items.count == 1)
        }
    }

    @Test("each policy version is kept and audited", arguments: TestEngine.available)
    func policyVersions(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // when
            try await Self.putPolicy(client, Samples.policy)
            try await Self.putPolicy(client, "rules: []\n")
            // then
            let versions = try await client.send(.get, "/api/v1/policy/versions").json()["items"] as? [[String: Any]]
            #expect(versions?.compactMap { $0["version"] as? Int } == [2, 1])
            let first = try await client.send(.get, "/api/v1/policy?version=1").json()
            #expect(first["document"] as? String == Samples.policy)
            let events = try await services.audit.list(.init(target: "policy")).items
            #expect(events.map(\.entry.action) == [.policyUpdate, .policyUpdate])
        }
    }

    @Test("a stale If-Match on the policy is refused with 412", arguments: TestEngine.available)
    func policyPrecondition(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given
            try await Self.putPolicy(client, Samples.policy)
            // when
            let response = try await client.send(.put, "/api/v1/policy", json: "rules: []\n", headers: [.contentType: "application/yaml", .ifMatch: "\"0\""])
            // then
            #expect(response.status == .preconditionFailed)
        }
    }

    @Test("a Friday production release is refused at approval with the explanation of the rule", arguments: TestEngine.available)
    func fridayRefused(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            try await client.send(.post, "/api/v1/environments", json: Samples.production)
            try await Self.putPolicy(client, Samples.policy)
            try await client.send(.post, "/api/v1/releases", json: Samples.plannedRelease)
            try await client.send(.post, "/api/v1/releases/REL-1/transitions", json: #"{"to":"planned"}"#)
            // when
            let response = try await client.send(.post, "/api/v1/releases/REL-1/transitions", json: #"{"to":"approved"}"#)
            let check = try await client.send(.get, "/api/v1/releases/REL-1/policy-check?to=approved").json()
            // then
            #expect(response.status == .unprocessableContent)
            #expect(try response.problemFields() == ["policy.no-friday", "policy.cab"])
            #expect(try await services.releases.get("REL-1").status == .planned)
            let outcomes = try #require(check["outcomes"] as? [[String: Any]])
            let friday = try #require(outcomes.first)
            #expect(friday["verdict"] as? String == "fail")
            let explanation = try #require(friday["explanation"] as? [String: String])
            #expect(explanation["en"]?.contains("starts Friday 2027-03-05 22:00 Europe/Paris") == true)
            #expect(explanation["fr"]?.contains("vendredi 2027-03-05 22:00 Europe/Paris") == true)
            #expect(check["passed"] as? Bool == false)
        }
    }

    @Test("an override with a reason passes a failing gate, is audited and stays visible", arguments: TestEngine.available)
    func overrideWithReason(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            try await client.send(.post, "/api/v1/environments", json: Samples.production)
            try await Self.putPolicy(client, "rules:\n  - {id: no-friday, kind: allowedDays, environment: production, days: [mon, tue, wed, thu]}\n")
            try await client.send(.post, "/api/v1/releases", json: Samples.plannedRelease)
            try await client.send(.post, "/api/v1/releases/REL-1/transitions", json: #"{"to":"planned"}"#)
            // when
            let empty = try await client.send(.post, "/api/v1/releases/REL-1/transitions", json: #"{"to":"approved","override":"  "}"#)
            let response = try await client.send(.post, "/api/v1/releases/REL-1/transitions", json: #"{"to":"approved","override":"Regulator deadline on Monday"}"#)
            // then
            #expect(empty.status == .unprocessableContent)
            #expect(response.status == .ok)
            let check = try await client.send(.get, "/api/v1/releases/REL-1/policy-check?to=ready").json()
            let overrides = try #require(check["overrides"] as? [[String: Any]])
            #expect(overrides.first?["reason"] as? String == "Regulator deadline on Monday")
            #expect(overrides.first?["rules"] as? [String] == ["no-friday"])
            let events = try await services.audit.list(.init(target: "REL-1")).items.map(\.entry.action)
            #expect(events.contains(.gateOverride))
        }
    }

    @Test("an override by someone outside the policy's override roles is forbidden", arguments: TestEngine.available)
    func overrideNeedsRole(engine: TestEngine) async throws {
        try await TestApp.with(engine, roles: [.releaseManager]) { client, services in
            // given
            _ = try await services.environments.create(name: "production", kind: .production)
            _ = try await services.policy.replace(with: "rules:\n  - {id: no-friday, kind: allowedDays, environment: production, days: [mon]}\n")
            try await client.send(.post, "/api/v1/releases", json: Samples.plannedRelease)
            try await client.send(.post, "/api/v1/releases/REL-1/transitions", json: #"{"to":"planned"}"#)
            // when
            let response = try await client.send(.post, "/api/v1/releases/REL-1/transitions", json: #"{"to":"approved","override":"please"}"#)
            // then
            #expect(response.status == .forbidden)
            #expect(try await services.releases.get("REL-1").status == .planned)
        }
    }

    @Test("the risk score lists the factors that made it", arguments: TestEngine.available)
    func riskScore(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given
            try await client.send(.post, "/api/v1/environments", json: Samples.production)
            try await Self.putPolicy(client, Samples.policy)
            try await client.send(.post, "/api/v1/releases", json: Samples.plannedRelease)
            try await client.send(.post, "/api/v1/releases/REL-1/transitions", json: #"{"to":"planned"}"#)
            try await client.send(.put, "/api/v1/releases/REL-1/plan", json: #"{"risks":[{"title":"Lock on invoices","probability":4,"impact":5,"status":"open"}]}"#)
            // when
            let score = try await client.send(.get, "/api/v1/releases/REL-1/risk-score").json()
            // then
            let factors = (score["factors"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(factors == ["riskRegister", "releaseType", "policyFailures"])
            #expect(score["score"] as? Int == 24 + 5 + 20)
            #expect(score["status"] as? String == "attention")
        }
    }
}
