import BasculeCore
import BasculeServer
import BasculeStore
import BasculeTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The home page, the list of releases with its filters and CSV, and the approvals page.
@Suite("Workplace pages")
struct WorkplacePagesTests {
    @Test("an approver's home page lists what awaits their decision; approving there comes back home and says it was recorded")
    func approveFromHome() async throws {
        try await TestApp.with(.sqlite, roles: [.approver]) { client, services in
            // given
            let pending = try await RequestOrigin.asSystem { try await GatePagesTests.demo(services) }.first { $0.title.hasPrefix("CRM 8.4") }
            let key = try #require(pending).key.description
            // when
            let home = try await client.send(.get, "/home").text
            let decided = try await client.form("/releases/\(key)/approvals/decisions", ["decision": "approve", "comment": "Fine", "return": "/home"])
            let after = try await client.send(.get, decided.headers[.location] ?? "/home").text
            // then
            #expect(home.contains(#"id="my-approvals""#))
            #expect(home.contains(#"action="/releases/\#(key)/approvals/decisions""#))
            #expect(decided.status == .seeOther)
            #expect(decided.headers[.location] == "/home?done=decided")
            #expect(after.contains("Your decision is recorded."))
        }
    }

    @Test("the home page shows the live cutover and the releases their next gate would refuse, each reason with what fixes it")
    func homeShowsLiveAndRefusals() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            _ = try await GatePagesTests.demo(services)
            // when
            let home = try await client.send(.get, "/home").text
            let french = try await client.send(.get, "/home", headers: [.cookie: "bascule_lang=fr"]).text
            // then
            #expect(home.contains("ERP 2.0"))
            #expect(home.contains("run-line live"))
            #expect(home.contains(#"id="blocked""#))
            #expect(home.contains("Payroll 11.2"))
            #expect(home.contains("?tab=calendar\">See the calendar and other windows</a>"))
            #expect(french.contains("Seraient refusées à leur prochaine étape"))
            #expect(french.contains("les mises en production en production sont interdites le vendredi"))
        }
    }

    private static func portfolio(_ services: BasculeServices) async throws {
        _ = try await services.environments.create(name: "production", kind: .production)
        _ = try await services.environments.create(name: "staging", kind: .preproduction)
        let start = Date(timeIntervalSince1970: 1_803_000_000)
        func make(_ title: String, _ type: ReleaseType, env: String, owner: String, tags: [String], day: Double) async throws -> Release {
            try await services.releases.create(ReleaseInput(title: title, version: "1.0", type: type, plannedStart: start.addingTimeInterval(day * 86_400),
                                                            plannedEnd: start.addingTimeInterval(day * 86_400 + 3600), environment: env, owner: owner, tags: tags))
        }
        let billing = try await make("Billing", .major, env: "production", owner: "ana", tags: ["finance"], day: 1)
        _ = try await make("Analytics", .minor, env: "staging", owner: "bob", tags: ["data"], day: 2)
        let crm = try await make("=HYPERLINK(\"http://evil\")", .minor, env: "production", owner: "ana", tags: ["crm"], day: 3)
        _ = try await make("Archive", .patch, env: "production", owner: "bob", tags: [], day: 4)
        _ = try await services.releases.transition(billing.key.description, to: .planned)
        _ = try await services.releases.transition(crm.key.description, to: .planned)
    }

    @Test("the list keeps several statuses and a type at once, sorts by title both ways and says how many")
    func listFilters() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            try await Self.portfolio(services)
            // when
            let both = try await client.send(.get, "/releases?status=planned&status=draft&type=minor&sort=title").text
            let reversed = try await client.send(.get, "/releases?status=planned&status=draft&type=minor&sort=title&dir=desc").text
            let owned = try await client.send(.get, "/releases?owner=bob&env=production").text
            // then
            #expect(both.contains("2 releases"))
            let analytics = try #require(both.range(of: "Analytics")), crm = try #require(both.range(of: "HYPERLINK"))
            #expect(crm.lowerBound < analytics.lowerBound)
            let analyticsDesc = try #require(reversed.range(of: "Analytics")), crmDesc = try #require(reversed.range(of: "HYPERLINK"))
            #expect(analyticsDesc.lowerBound < crmDesc.lowerBound)
            #expect(!both.contains(">Billing<"))
            #expect(owned.contains("Archive") && !owned.contains("Analytics") && owned.contains("1 release"))
        }
    }

    @Test("the search box finds a release by its tag and by its environment")
    func searchFindsTagsAndEnvironments() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            try await Self.portfolio(services)
            // when
            let byTag = try await client.send(.get, "/releases?q=finance").text
            let byEnvironment = try await client.send(.get, "/releases?q=staging").text
            let exactTag = try await client.send(.get, "/releases?tag=data").text
            // then
            #expect(byTag.contains("Billing") && byTag.contains("1 release"))
            #expect(byEnvironment.contains("Analytics") && byEnvironment.contains("1 release"))
            #expect(exactTag.contains("Analytics") && !exactTag.contains("Billing"))
        }
    }

    @Test("the CSV holds every matching row with ISO times, and a title that looks like a formula is defused")
    func csvExport() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            try await Self.portfolio(services)
            // when
            let response = try await client.send(.get, "/releases.csv?owner=ana")
            let lines = response.text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            // then
            #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(lines.count == 3)
            #expect(lines[0].hasPrefix("key,title,version,type,status,planned_start"))
            #expect(lines.contains { $0.contains(#""'=HYPERLINK(""http://evil"")""#) })
            #expect(lines.contains { $0.contains(",2027-02-20T01:20:00Z,") })
        }
    }

    @Test("a filter value the list does not know is reported on the page with a 400, not silently dropped")
    func badFilterReported() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            try await Self.portfolio(services)
            // when
            let response = try await client.send(.get, "/releases?status=shipped&sort=colour")
            // then
            #expect(response.status == .badRequest)
            #expect(response.text.contains("The filter “status” was ignored: “shipped” is not a value it takes."))
            #expect(response.text.contains("The filter “sort” was ignored"))
        }
    }

    @Test("a release manager sees the approvals under way read-only instead of a refusal")
    func approvalsReadOnlyForReleaseManagers() async throws {
        try await TestApp.with(.sqlite, roles: [.releaseManager]) { client, services in
            // given
            _ = try await RequestOrigin.asSystem { try await GatePagesTests.demo(services) }
            // when
            let response = try await client.send(.get, "/approvals")
            // then
            #expect(response.status == .ok)
            #expect(response.text.contains("Approvals under way"))
            #expect(response.text.contains("CRM 8.4"))
            #expect(!response.text.contains("approvals/decisions"))
        }
    }

    @Test("the navigation shows only the sections the person may open, and home first")
    func navigationByPermission() async throws {
        try await TestApp.with(.sqlite, roles: [.viewer]) { client, _ in
            // when
            let page = try await client.send(.get, "/home").text
            // then
            #expect(page.contains(#"<a href="/home" aria-current="page">Home</a>"#))
            #expect(page.contains(#"<a href="/inventory">Inventory</a>"#))
            #expect(page.contains(#"<a href="/reports">Reports</a>"#), "everyone may read the reports")
            #expect(!page.contains(#"href="/agents""#))
            #expect(!page.contains("soon"))
            #expect(!page.contains("New release"))
        }
    }
}

@Suite("From draft to approved on the pages")
struct DraftToApprovedTests {
    @Test("a release manager takes a new release from draft to approved with the pages alone, in French, overriding nothing")
    func draftToApproved() async throws {
        try await TestApp.with(.sqlite, roles: [.releaseManager]) { client, services in
            // given the demo's policy and portfolio, and an approver
            _ = try await RequestOrigin.asSystem { try await GatePagesTests.demo(services) }
            let (approverToken) = try await RequestOrigin.asSystem { () -> String in
                _ = try await services.identity.createUser(username: "nadia", roles: [.approver], password: TestApp.password)
                return try await services.identity.createToken(name: "pages", for: "nadia").1
            }
            let french: HTTPFields = [.cookie: "bascule_lang=fr"]
            var paris = Calendar(identifier: .gregorian)
            paris.timeZone = TimeZone(identifier: "Europe/Paris")!
            // A Tuesday or Wednesday night at least four days ahead: inside the production nights, before the quarter-end freeze.
            let day = (4...11).map { paris.date(byAdding: .day, value: $0, to: Date())! }.first { [3, 4].contains(paris.component(.weekday, from: $0)) }!
            let parts = paris.dateComponents([.year, .month, .day], from: day)
            let date = String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
            // when the release is created, planned, refused at approval, completed and approved, each from its page
            let created = try await client.form("/releases", ["title": "Portail fournisseurs", "version": "1.4.0", "type": "minor",
                                                              "plannedStart": "\(date)T21:00", "plannedEnd": "\(date)T23:00", "environment": "production"], headers: french)
            let page = try #require(created.headers[.location])
            let key = String(page.split(separator: "/").last!)
            let planned = try await client.form("/releases/\(key)/transitions", ["to": "planned", "revision": "1"], headers: french)
            let refused = try await client.form("/releases/\(key)/transitions", ["to": "approved", "revision": "2"], headers: french)
            let rollback = try await client.form("/releases/\(key)/documents/rollbackPlan", ["content": "1. Redéployer 1.3.\n2. Vérifier les sondes.", "expectedVersion": "0"], headers: french)
            let requested = try await client.form("/releases/\(key)/approvals/request", [:], headers: french)
            let decided = try await client.raw.form("/releases/\(key)/approvals/decisions", ["decision": "approve", "comment": "Plan de retour arrière relu"],
                                                    headers: [.authorization: "Bearer \(approverToken)", .cookie: "bascule_lang=fr"])
            let revision = try await services.releases.get(key).revision
            let approved = try await client.form("/releases/\(key)/transitions", ["to": "approved", "revision": String(revision)], headers: french)
            let final = try await client.send(.get, "/releases/\(key)", headers: french).text
            // then
            #expect(created.status == .seeOther)
            #expect(planned.status == .seeOther, "\(planned.text.prefix(400))")
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("Le passage à «\u{00A0}Approuvée\u{00A0}» est refusé"))
            #expect(refused.text.contains("Compléter le plan") && refused.text.contains("Demander ou suivre l’approbation"))
            #expect(rollback.status == .seeOther && requested.status == .seeOther && decided.status == .seeOther)
            #expect(approved.status == .seeOther, "\(approved.text.prefix(2000))")
            #expect(try await services.releases.get(key).status == .approved)
            #expect(try await services.policy.check(key, to: .approved).overrides.isEmpty)
            #expect(final.contains("Approuvée"))
        }
    }
}
