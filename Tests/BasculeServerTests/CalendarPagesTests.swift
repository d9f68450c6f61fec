import BasculeCore
import BasculeServer
import BasculeTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The calendar page, the impact and calendar tabs, and the suggested windows, on the demo.
@Suite("Calendar pages")
struct CalendarPagesTests {
    static func day(_ offset: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris")!
        let date = calendar.date(byAdding: .day, value: offset, to: Date())!
        let p = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", p.year!, p.month!, p.day!)
    }

    static func key(_ services: BasculeServices, _ title: String) async throws -> String {
        try #require(try await GatePagesTests.demo(services).first { $0.title.hasPrefix(title) }).key.description
    }

    @Test("the demo's calendar marks its two clashes and explains them, in the month and week views")
    func demoConflictsShown() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            let portal = try await Self.key(services, "HR portal 6.0")
            let storage = try await Self.key(services, "Storage array firmware")
            // when
            let month = try await client.send(.get, "/calendar?view=month&date=\(Self.day(5))").text
            let week = try await client.send(.get, "/calendar?view=week&date=\(Self.day(8))").text
            // then
            #expect(month.contains("conflicted"))
            #expect(month.contains("\(portal) HR portal 6.0"))
            #expect(month.contains("which depends on payroll-api modified here") || month.contains("on which hr-portal modified here depends"))
            #expect(week.contains("\(storage) Storage array firmware"))
            #expect(week.contains("the team infra is booked"))
            #expect(week.contains("entry-maintenance"))
        }
    }

    @Test("the impact tab draws the graph with the modified items and lists business services first")
    func impactTab() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            let key = try await Self.key(services, "HR payroll 11.1")
            // when
            let page = try await client.send(.get, "/releases/\(key)?tab=impact").text
            // then
            #expect(page.contains("<svg"))
            #expect(page.contains("node type-microservice crit-1 modified"))
            #expect(page.contains("Business services affected"))
            #expect(page.range(of: "svc-payroll")!.lowerBound < page.range(of: "<svg")!.lowerBound)
        }
    }

    @Test("a release refused by the conflicts rule is offered windows that pass, and moving there clears the conflict")
    func refusedWindowOffersSlots() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            let key = try await Self.key(services, "HR portal 6.0")
            let release = try await services.releases.get(key)
            // when
            let refused = try await client.form("/releases/\(key)/transitions", ["to": "approved", "revision": String(release.revision)])
            let offer = try await services.calendar.slots(of: key, within: nil, duration: nil, limit: 1).slots.first
            let iso = ISO8601DateFormatter()
            let moved = try await client.form("/releases/\(key)/window", ["start": iso.string(from: try #require(offer).start),
                                                                          "end": iso.string(from: try #require(offer).end), "revision": String(release.revision)])
            let after = try await services.calendar.conflicts(of: key).conflicts
            // then
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("Windows that would pass"))
            #expect(refused.text.contains("/releases/\(key)/window"))
            #expect(moved.status == .seeOther || moved.status == .found)
            #expect(after.isEmpty, "\(after.map(\.explanation.en))")
        }
    }

    @Test("the calendar tab of a clashing release lists its conflicts with links to the other release")
    func calendarTab() async throws {
        try await TestApp.with(.sqlite) { client, services in
            let key = try await Self.key(services, "Storage array firmware")
            let other = try await Self.key(services, "Network core: firewall firmware")
            let page = try await client.send(.get, "/releases/\(key)?tab=calendar", headers: [.cookie: "bascule_lang=fr"]).text
            #expect(page.contains("équipe réservée deux fois"))
            #expect(page.contains("href=\"/releases/\(other)?tab=calendar\""))
            #expect(page.contains("Déplacer ici"))
        }
    }

    @Test("an impact of 250 items draws the nearest 200 in folded columns of at most 25, and says how many are left out")
    func largeImpactGraph() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            // given a database that 10 services use, each used by 24 applications
            var csv = "key,name,type,dependsOn\ncore-db,Core DB,database,\n"
            for service in 0..<10 {
                csv += "svc-\(service),Service \(service),service,core-db\n"
                for app in 0..<24 { csv += "app-\(service)-\(app),App,application,svc-\(service)\n" }
            }
            try await client.send(.post, "/api/v1/inventory/import", json: csv, headers: [.contentType: "text/csv"])
            try await client.send(.post, "/api/v1/releases", json: Samples.release)
            try await client.send(.post, "/api/v1/releases/REL-1/changes", json: #"{"title":"Upgrade","items":["core-db"]}"#)
            // when
            let page = try await client.send(.get, "/releases/REL-1?tab=impact").text
            // then
            #expect(page.components(separatedBy: "<g class=\"node").count - 1 == 201)
            #expect(page.contains("50 more items are not drawn"))
            let height = try #require(page.firstMatch(of: /class="impact-graph" role="img" width="(\d+)" height="(\d+)"/))
            #expect(Int(height.output.2)! <= 25 * 36 + 24)
        }
    }
}
