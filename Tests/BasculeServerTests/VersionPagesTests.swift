import BasculeCore
import BasculeServer
import BasculeTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The release page's promotion path, dependencies and versions tab, and their forms, served.
@Suite("Versions pages")
struct VersionPagesTests {
    @Test("the demo's payroll stands on preproduction after recette; the portal's follow-up shows it requires Billing 4.3, planned after it")
    func demo() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            let releases = try await GatePagesTests.demo(services)
            let payroll = try #require(releases.first { $0.title == "HR payroll 11.1" })
            var portal: Release?
            for candidate in releases where candidate.title == "Customer portal 3.1" {
                if try await !services.dependencies.dependencies(of: candidate.key.description).requires.isEmpty { portal = candidate }
            }
            let billing = try #require(releases.first { $0.title.hasPrefix("Billing 4.3") })
            let portalKey = try #require(portal?.key)
            // when
            let payrollPage = try await client.send(.get, "/releases/\(payroll.key)").text
            let portalPage = try await client.send(.get, "/releases/\(portalKey)").text
            let billingPage = try await client.send(.get, "/releases/\(billing.key)").text
            // then
            #expect(payrollPage.contains(#"<li class="stop stop-untested stop-current"><strong class="mono" translate="no">preproduction</strong>"#))
            #expect(payrollPage.contains("mirrors production, refreshed"))
            #expect(payrollPage.contains("stop-passed"))
            #expect(portalPage.contains(#"<a class="mono" href="/releases/\#(billing.key)">\#(billing.key)</a>"#))
            #expect(portalPage.contains("planned before what it requires"))
            #expect(billingPage.contains("Depending on it") && billingPage.contains(#"<a class="mono" href="/releases/\#(portalKey)">"#))
        }
    }

    @Test("a deployment recorded through the form shows on the path; one out of turn comes back refused with the rule's reason")
    func recordThroughForm() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            // given
            try await PromotionAPITests.path(client)
            // when
            let early = try await client.form("/releases/REL-1/promotion", ["environment": "preprod", "outcome": "deployed"])
            let recorded = try await client.form("/releases/REL-1/promotion", ["environment": "recette", "outcome": "deployed", "note": "first try"])
            let page = try await client.send(.get, "/releases/REL-1?done=promotion_recorded").text
            // then
            #expect(early.status == .conflict && early.text.contains("cannot be promoted to preprod"))
            #expect(recorded.status == .seeOther && recorded.headers[.location] == "/releases/REL-1?done=promotion_recorded#promotion")
            #expect(page.contains("Deployment recorded.") && page.contains("first try"))
            #expect(page.contains("preprod must wait: no test campaign was run on recette since it was deployed there (rule in-turn)."))
        }
    }

    @Test("a dependency added through the form shows both ways; removing it takes it off; an unknown release is refused on the page")
    func dependencyThroughForm() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            // given
            try await client.send(.post, "/api/v1/environments", json: Samples.production)
            try await VersionsAPITests.release(client, title: "Portal", version: "3.0.0", start: "2027-03-06T21:00:00Z", end: "2027-03-06T23:00:00Z")
            try await VersionsAPITests.release(client, title: "API", version: "2.0.0", start: "2027-03-05T21:00:00Z", end: "2027-03-05T23:00:00Z")
            // when
            let added = try await client.form("/releases/REL-1/dependencies", ["release": "REL-2", "kind": "requires"])
            let api = try await client.send(.get, "/releases/REL-2").text
            let unknown = try await client.form("/releases/REL-1/dependencies", ["release": "REL-99", "kind": "requires"])
            let removed = try await client.form("/releases/REL-1/dependencies/REL-2/remove", [:])
            let portal = try await client.send(.get, "/releases/REL-1").text
            // then
            #expect(added.status == .seeOther)
            #expect(api.contains("Depending on it") && api.contains(#"<a class="mono" href="/releases/REL-1">REL-1</a>"#))
            #expect(unknown.status == .unprocessableContent && unknown.text.contains("no release REL-99"))
            #expect(removed.status == .seeOther && !portal.contains(#"<a class="mono" href="/releases/REL-2">REL-2</a>"#))
        }
    }

    @Test("the versions tab sorts the unclassified commit through its form, then publishes the notes, which become the notes document")
    func sortAndPublish() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            // given
            try await client.send(.post, "/api/v1/environments", json: Samples.production)
            try await VersionsAPITests.release(client, title: "Billing", version: "4.3.0", start: "2027-03-05T21:00:00Z", end: "2027-03-06T00:00:00Z")
            try await client.send(.post, "/api/v1/releases/REL-1/commits", json: VersionsAPITests.commits)
            // when
            let before = try await client.send(.get, "/releases/REL-1?tab=versions").text
            let early = try await client.form("/releases/REL-1/notes/publish", ["audience": "technical", "lang": "en"])
            let sorted = try await client.form("/releases/REL-1/commits/c3c3c3c3/sort", ["kind": "fix"])
            let after = try await client.send(.get, "/releases/REL-1?tab=versions&lang=fr").text
            let published = try await client.form("/releases/REL-1/notes/publish", ["audience": "technical", "lang": "fr",
                                                                                    "commitLink": "https://git.example.com/billing/commit/{hash}"])
            let document = try await client.send(.get, "/api/v1/releases/REL-1/documents/releaseNotes").json()
            // then
            #expect(before.contains(#"<h3 id="unclassified">"#) && before.contains("Fix typo in the footer") && before.contains("no type before a colon"))
            #expect(before.contains("Commits to sort before the notes can be published: 1."))
            #expect(early.status == .unprocessableContent && early.text.contains("1 commits are not sorted yet"))
            #expect(sorted.status == .seeOther)
            #expect(!after.contains(#"<h3 id="unclassified">"#) && after.contains("Notes de version — Billing 4.3.0") && after.contains("sorted by admin"))
            #expect(published.status == .seeOther && published.headers[.location] == "/releases/REL-1/documents/releaseNotes?done=notes_published")
            let content = (document["current"] as? [String: Any])?["content"] as? String ?? document["content"] as? String ?? ""
            #expect(content.contains("## Corrections") && content.contains("[a1a1a1a](https://git.example.com/billing/commit/a1a1a1a1)"), "\(document)")
        }
    }

    @Test("environments are added, mirrored and refreshed through their page; a loop of mirrors comes back on it, named")
    func environmentsPage() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            // given
            try await client.send(.post, "/api/v1/environments", json: Samples.production)
            // when
            let created = try await client.form("/environments", ["name": "preprod", "kind": "preproduction", "order": "5"])
            let mirrored = try await client.form("/environments/preprod/mirror", ["mirrors": "production"])
            let refreshed = try await client.form("/environments/preprod/refresh", [:])
            let loop = try await client.form("/environments/production/mirror", ["mirrors": "preprod"])
            let page = try await client.send(.get, "/environments").text
            // then
            #expect(created.status == .seeOther && mirrored.status == .seeOther && refreshed.status == .seeOther)
            #expect(loop.status == .unprocessableContent && loop.text.contains("would make a loop of mirrors: production → preprod → production"))
            #expect(page.contains(#"<option value="production" selected>production</option>"#))
            #expect(page.range(of: "preprod")!.lowerBound < page.range(of: ">production<")!.lowerBound)
            #expect(!page.contains("never") && page.contains(">Refreshed just now</button>"))
        }
    }
}

