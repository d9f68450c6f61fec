import BasculeCore
import BasculeServer
import BasculeTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The release policy's page.
@Suite("Policy pages")
struct PolicyPagesTests {
    @Test("the policy page lists the rules, the freezes and the maintenance windows, in French too")
    func lists() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            _ = try await GatePagesTests.demo(services)
            // when
            let page = try await client.send(.get, "/policy").text
            let french = try await client.send(.get, "/policy", headers: [.cookie: "bascule_lang=fr"]).text
            // then
            #expect(page.contains("no-friday") && page.contains("allowed days and hours"))
            #expect(page.contains("Quarter-end closing") && page.contains("Production nights"))
            #expect(french.contains("jours et heures autorisés") && french.contains("Vérifiée avant"))
        }
    }

    @Test("a policy with an error stays in the editor with the error at its line, and the policy in force stays")
    func refusedInEditor() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            _ = try await GatePagesTests.demo(services)
            let before = try await services.policy.get().stored.version
            let broken = "version: 1\ntimeZone: Europe/Paris\nrules:\n  - id: x\n    kind: teleport\n"
            // when
            let refused = try await client.form("/policy", ["document": broken, "expected": String(before)])
            let saved = try await client.form("/policy", ["document": "timeZone: Europe/Paris\nrules: []\n", "expected": String(before)])
            // then
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("line 4 · Kind (row 1): unknown rule kind"))
            #expect(refused.text.contains("kind: teleport"))
            #expect(saved.headers[.location] == "/policy?done=policy_saved")
            #expect(try await services.policy.get().stored.version == before + 1)
        }
    }
}
