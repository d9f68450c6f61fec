import BasculeCore
import BasculeServer
import BasculeTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The release page's tabs, the override form and the approvals inbox, on the demo portfolio.
@Suite("Gate pages")
struct GatePagesTests {
    static func demo(_ services: BasculeServices) async throws -> [Release] {
        _ = try await DemoPortfolio.seed(services, timeZone: TimeZone(identifier: "Europe/Paris") ?? .gmt)
        return try await services.releases.list(.init(), limit: 200).items
    }

    @Test("every tab of a planned release answers and shows its part of the plan")
    func tabsRender() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            let key = try #require(try await Self.demo(services).first { $0.title.hasPrefix("CRM 8.4") }).key
            // when
            var pages: [String: String] = [:]
            for tab in ["overview", "plan", "risks", "changes", "impact", "calendar", "tests", "approvals", "policy"] {
                let response = try await client.send(.get, "/releases/\(key)?tab=\(tab)")
                #expect(response.status == .ok, "tab \(tab) answered \(response.status.code)")
                pages[tab] = response.text
            }
            // then
            #expect(pages["plan"]?.contains("Support team briefed") == true)
            #expect(pages["plan"]?.contains("Restore the database dump") == true)
            #expect(pages["risks"]?.contains("/100") == true)
            #expect(pages["changes"]?.contains("CHG-") == true)
            #expect(pages["tests"]?.contains("ConsentTests.testWithdrawal") == true)
            #expect(pages["approvals"]?.contains("awaiting approval") == true)
            #expect(pages["policy"]?.contains("approval(s) from approver are needed") == true || pages["policy"]?.contains("of 1 approvals from approver") == true)
        }
    }

    @Test("the policy tab explains a Friday refusal in French")
    func policyTabInFrench() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            let key = try #require(try await Self.demo(services).first { $0.title.hasPrefix("Payroll 11.2") }).key
            // when
            let page = try await client.send(.get, "/releases/\(key)?tab=policy&to=approved", headers: [.cookie: "bascule_lang=fr"]).text
            // then
            #expect(page.contains("les mises en production en production sont interdites le vendredi"))
            #expect(page.contains("verdict-fail"))
        }
    }

    @Test("a transition refused by the policy shows the failures and an override form")
    func refusalOffersOverride() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            let release = try #require(try await Self.demo(services).first { $0.title.hasPrefix("Payroll 11.2") })
            // when
            let refused = try await client.form("/releases/\(release.key)/transitions", ["to": "approved", "revision": String(release.revision)])
            let overridden = try await client.form("/releases/\(release.key)/transitions", ["to": "approved", "revision": String(release.revision), "override": "Bonus must be paid this month"])
            // then
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("name=\"override\""))
            #expect(refused.text.contains("not allowed on Friday"))
            #expect(overridden.status == .seeOther)
            #expect(try await services.releases.get(release.key.description).status == .approved)
        }
    }

    @Test("the approvals inbox lists what awaits the approver, who decides through the form")
    func inboxAndDecision() async throws {
        try await TestApp.with(.sqlite, roles: [.approver]) { client, services in
            // given
            let key = try #require(try await Self.demo(services).first { $0.title.hasPrefix("CRM 8.4") }).key
            // when
            let inbox = try await client.send(.get, "/approvals").text
            let decided = try await client.form("/releases/\(key)/approvals/decisions", ["decision": "approveWithConditions", "comment": "Fine", "conditions": "Fix the failing test first"])
            let after = try await client.send(.get, "/approvals").text
            // then
            #expect(inbox.contains("CRM 8.4"))
            #expect(decided.status == .seeOther)
            #expect(try await services.approvals.current(of: key.description)?.decisions.first?.decision == .approveWithConditions)
            #expect(!after.contains("CRM 8.4"))
        }
    }
}
