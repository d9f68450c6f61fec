import BasculeCore
import BasculeServer
import BasculeTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Web pages")
struct WebPagesTests {
    @Test("the root sends people to their home page")
    func rootRedirects() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let response = try await client.send(.get, "/")
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/home")
        }
    }

    @Test("the releases page lists releases by planned start with their status", arguments: TestEngine.available)
    func releasesList(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            _ = try await services.environments.create(name: "production", kind: .production)
            let start = Date(timeIntervalSince1970: 1_803_000_000)
            _ = try await services.releases.create(ReleaseInput(title: "Later <b>bold</b>", version: "2.0.0", type: .major, plannedStart: start.addingTimeInterval(86_400), plannedEnd: start.addingTimeInterval(90_000), environment: "production"))
            _ = try await services.releases.create(ReleaseInput(title: "Sooner", version: "1.0.0", type: .minor, plannedStart: start, plannedEnd: start.addingTimeInterval(3600), environment: "production"))
            // when
            let page = try await client.send(.get, "/releases").text
            // then
            let sooner = try #require(page.range(of: "Sooner"))
            let later = try #require(page.range(of: "Later &lt;b&gt;bold&lt;/b&gt;"))
            #expect(sooner.lowerBound < later.lowerBound)
            #expect(page.contains("REL-2"))
            #expect(page.contains(#"class="status status-draft""#))
            #expect(!page.contains("<b>bold</b>"))
        }
    }

    @Test("the status filter keeps only that status")
    func statusFilter() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            _ = try await services.releases.create(ReleaseInput(title: "Kept draft", version: "1", type: .minor))
            let cancelled = try await services.releases.create(ReleaseInput(title: "Gone", version: "1", type: .minor))
            _ = try await services.releases.transition(cancelled.key.description, to: .cancelled)
            // when
            let page = try await client.send(.get, "/releases?status=cancelled").text
            // then
            #expect(page.contains("Gone"))
            #expect(!page.contains("Kept draft"))
        }
    }

    @Test("the form refuses bad input inline, keeps what was typed and writes nothing", arguments: TestEngine.available)
    func formErrorsInline(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // when
            let response = try await client.form("/releases", [
                "title": String(repeating: "x", count: 201), "version": "1.0", "type": "minor",
                "plannedStart": "2027-03-05T22:00", "plannedEnd": "2027-03-05T21:00", "owner": "Ana",
            ])
            // then
            #expect(response.status == .unprocessableContent)
            let page = response.text
            #expect(page.contains(#"id="title-error""#))
            #expect(page.contains("must be at most 200 characters"))
            #expect(page.contains("must be after the planned start"))
            #expect(page.contains(#"value="Ana""#))
            #expect(try await services.releases.list(.init()).items.isEmpty)
        }
    }

    @Test("a release created through the form reads its window in the configured time zone")
    func formCreates() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            _ = try await services.environments.create(name: "production", kind: .production)
            // when
            let response = try await client.form("/releases", [
                "title": "Portal 3.0", "version": "3.0.0", "type": "major", "environment": "production",
                "plannedStart": "2027-03-05T22:00", "plannedEnd": "2027-03-06T01:30", "tags": "portal, Web",
            ])
            // then
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/releases/REL-1")
            let release = try await services.releases.get("REL-1")
            // 22:00 in Paris in March is 21:00 UTC.
            #expect(release.window?.start == Date(timeIntervalSince1970: 1_804_280_400))
            #expect(release.tags == ["portal", "web"])
        }
    }

    @Test("the release page offers the allowed transitions and performs them")
    func transitionButtons() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            _ = try await services.environments.create(name: "production", kind: .production)
            let start = Date(timeIntervalSince1970: 1_803_000_000)
            _ = try await services.releases.create(ReleaseInput(title: "Portal", version: "3.0.0", type: .major, plannedStart: start, plannedEnd: start.addingTimeInterval(3600), environment: "production"))
            let page = try await client.send(.get, "/releases/REL-1").text
            #expect(page.contains(#"name="to" value="planned""#))
            #expect(page.contains(#"name="to" value="cancelled""#))
            #expect(!page.contains(#"name="to" value="deployed""#))
            // when
            let response = try await client.form("/releases/REL-1/transitions", ["to": "planned", "revision": "1"])
            // then
            #expect(response.status == .seeOther)
            #expect(try await services.releases.get("REL-1").status == .planned)
        }
    }

    @Test("a refused transition is explained on the release page")
    func refusedTransitionExplained() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            _ = try await services.releases.create(ReleaseInput(title: "No window", version: "1", type: .minor))
            // when
            let response = try await client.form("/releases/REL-1/transitions", ["to": "planned", "revision": "1"])
            // then
            #expect(response.status == .unprocessableContent)
            #expect(response.text.contains("needs a planned window"))
            #expect(try await services.releases.get("REL-1").status == .draft)
        }
    }

    @Test("an edit from a stale page is refused and nothing is lost")
    func staleEdit() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            _ = try await services.releases.create(ReleaseInput(title: "First", version: "1", type: .minor))
            _ = try await services.releases.update("REL-1", changes: ReleaseChanges(title: "Someone else's"))
            // when
            let response = try await client.form("/releases/REL-1", ["title": "Mine", "version": "1", "type": "minor", "revision": "1"])
            // then
            #expect(response.status == .preconditionFailed)
            #expect(try await services.releases.get("REL-1").title == "Someone else's")
        }
    }

    @Test("the language switch keeps French in a cookie and returns to the page")
    func languageSwitch() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            // when
            let response = try await client.send(.get, "/language/fr?return=%2Freleases%3Fstatus%3Ddraft")
            // then
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/releases?status=draft")
            let cookie = try #require(response.headers[.setCookie])
            #expect(cookie.contains("bascule_lang=fr"))
            let page = try await client.send(.get, "/releases", headers: [.cookie: "bascule_lang=fr"]).text
            #expect(page.contains(#"<html lang="fr">"#))
            #expect(page.contains("Nouvelle mise en production"))
        }
    }

    @Test("the language switch never redirects off the site")
    func noOpenRedirect() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let response = try await client.send(.get, "/language/en?return=%2F%2Fevil.example")
            #expect(response.headers[.location] == "/releases")
        }
    }

    @Test("an unknown release shows a 404 page")
    func unknownRelease() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let response = try await client.send(.get, "/releases/REL-404")
            #expect(response.status == .notFound)
            #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
        }
    }

    @Test("the stylesheet is served from the bundle")
    func stylesheet() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let response = try await client.send(.get, "/static/app.css")
            #expect(response.status == .ok)
            #expect(response.text.contains(".releases"))
        }
    }
}

@Suite("Demo portfolio")
struct DemoPortfolioTests {
    @Test("an empty database is filled with environments and a dozen releases in various states", arguments: TestEngine.available)
    func seedsEmpty(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in try await RequestOrigin.asSystem {
            // given
            let services = BasculeServices(store: store, passwordCost: 4)
            // when
            let outcome = try await DemoPortfolio.seed(services, timeZone: TimeZone(identifier: "Europe/Paris") ?? .gmt)
            // then
            guard case .seeded(let samples, let environments, let history) = outcome else {
                Issue.record("the demo was skipped")
                return
            }
            #expect(samples == 26)
            #expect(environments == 4)
            #expect((90...160).contains(history), "about two releases a week for a year: \(history)")
            let releases = try await services.releases.list(.init(), limit: 200).items
            #expect(releases.count == 26 + history)
            #expect(Set(releases.map(\.status)).count >= 7)
        } }
    }

    @Test("the demo shows releases blocked by the Friday rule, a freeze and missing approvals, and one that passes", arguments: TestEngine.available)
    func gatesExplained(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in try await RequestOrigin.asSystem {
            // given
            let services = BasculeServices(store: store, passwordCost: 4)
            _ = try await DemoPortfolio.seed(services, timeZone: TimeZone(identifier: "Europe/Paris") ?? .gmt)
            let releases = try await services.releases.list(.init(text: ""), limit: 200).items
            func failures(_ title: String) async throws -> [String] {
                let key = try #require(releases.first { $0.title.hasPrefix(title) }).key.description
                return try await services.policy.check(key, to: .approved).check.failures.map(\.rule)
            }
            // then
            // A recurring freeze (payroll days, Christmas) may add itself, depending on today's date.
            #expect(try await failures("Payroll 11.2").first == "no-friday")
            #expect(try await failures("Shop catalogue 7.1").contains("quarter-end"))
            #expect(try await failures("CRM 8.4") == ["cab"])
            #expect(try await failures("Intranet 2.1") == [])
        } }
    }

    @Test("a database with data is left as it is")
    func skipsNonEmpty() async throws {
        try await TestDatabase.with(.sqlite) { store in try await RequestOrigin.asSystem {
            // given
            let services = BasculeServices(store: store, passwordCost: 4)
            _ = try await services.releases.create(ReleaseInput(title: "Mine", version: "1", type: .minor))
            // when
            let outcome = try await DemoPortfolio.seed(services, timeZone: .gmt)
            // then
            #expect(outcome == .skipped)
            #expect(try await services.releases.list(.init()).items.map(\.title) == ["Mine"])
        } }
    }
}
