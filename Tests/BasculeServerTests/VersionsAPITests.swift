import BasculeCore
import BasculeServer
import BasculeTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// A release's commits, the notes drafted from them and the version they call for, and
/// dependencies between releases, through the API.
@Suite("Versions API")
struct VersionsAPITests {
    static func release(_ client: SignedInClient, title: String, version: String, start: String, end: String, tags: String = #"["billing"]"#) async throws {
        let created = try await client.send(.post, "/api/v1/releases", json: #"""
            {"title":"\#(title)","version":"\#(version)","type":"minor","plannedStart":"\#(start)","plannedEnd":"\#(end)","environment":"production","tags":\#(tags)}
            """#)
        #expect(created.status == .created, "\(created.text)")
    }

    static let commits = #"""
        {"commits":[
          {"hash":"a1a1a1a1","author":"Ana","email":"ana@example.com","date":"2027-02-01T10:00:00Z","message":"feat(export): invoices as CSV\n\nRefs: CHG-1"},
          {"hash":"b2b2b2b2","author":"Ana","message":"fix: round the totals"},
          {"hash":"c3c3c3c3","author":"Bo","message":"Fix typo in the footer"},
          {"hash":"d4d4d4d4","author":"Bo","message":"Merge branch 'main' into export","parents":2}
        ]}
        """#

    @Test("imported commits are kept once each, linked to the release's changes; the draft groups them and publishing waits for the unclassified one", arguments: TestEngine.available)
    func importSortPublish(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given a release with one change, and its commits
            try await client.send(.post, "/api/v1/environments", json: Samples.production)
            try await Self.release(client, title: "Billing", version: "4.3.0", start: "2027-03-05T21:00:00Z", end: "2027-03-06T00:00:00Z")
            try await client.send(.post, "/api/v1/releases/REL-1/changes", json: #"{"title":"Export to CSV","description":"Download any invoice list as CSV."}"#)
            // when
            let imported = try await client.send(.post, "/api/v1/releases/REL-1/commits", json: Self.commits).json()
            let again = try await client.send(.post, "/api/v1/releases/REL-1/commits", json: Self.commits).json()
            let list = try await client.send(.get, "/api/v1/releases/REL-1/commits").json()
            let draft = try await client.send(.get, "/api/v1/releases/REL-1/notes").json()
            let refused = try await client.send(.post, "/api/v1/releases/REL-1/notes/publish", json: "{}")
            let sorted = try await client.send(.put, "/api/v1/releases/REL-1/commits/C3C3C3C3/kind", json: #"{"kind":"fix"}"#).json()
            let badLink = try await client.send(.post, "/api/v1/releases/REL-1/notes/publish", json: #"{"commitLink":"ftp://git.example.com/commit"}"#)
            let published = try await client.send(.post, "/api/v1/releases/REL-1/notes/publish", json: #"{"lang":"fr","commitLink":"https://git.example.com/billing/commit/{hash}"}"#)
            let endUser = try await client.send(.get, "/api/v1/releases/REL-1/notes?audience=endUser").json()
            let audit = try await client.send(.get, "/api/v1/audit?target=REL-1").text
            // then
            #expect(imported["added"] as? Int == 4 && imported["linked"] as? [String] == ["CHG-1"] && imported["total"] as? Int == 4)
            #expect(again["added"] as? Int == 0 && again["alreadyKnown"] as? Int == 4)
            let kinds = (list["commits"] as? [[String: Any]])?.map { $0["kind"] as? String }
            #expect(kinds == ["feature", "fix", "unclassified", "merge"])
            #expect((list["commits"] as? [[String: Any]])?[2]["reason"] as? String == "noType")
            #expect(draft["unclassified"] as? Int == 1 && (draft["markdown"] as? String)?.contains("## New features") == true)
            #expect(refused.status == .unprocessableContent && refused.text.contains("1 commits are not sorted yet (c3c3c3c"))
            #expect(sorted["kind"] as? String == "fix" && sorted["sortedBy"] as? String == "admin")
            #expect(badLink.status == .unprocessableContent && badLink.text.contains("commitLink"))
            #expect(published.status == .ok, "\(published.text)")
            let content = try published.json()["content"] as? String ?? ""
            #expect(content.hasPrefix("# Notes de version — Billing 4.3.0\n\n## Nouveautés\n\n- **export:** invoices as CSV ([a1a1a1a](https://git.example.com/billing/commit/a1a1a1a1), CHG-1)"))
            #expect(content.contains("## Corrections") && content.contains("Fix typo in the footer") && !content.contains("Merge branch"))
            #expect((endUser["markdown"] as? String)?.contains("- **Export to CSV** — Download any invoice list as CSV.") == true)
            #expect(audit.contains("commit.import") && audit.contains("commit.sort") && audit.contains("notes.publish"))
        }
    }

    @Test("the version the commits call for is checked against the application's previous deployed release")
    func versionSuggestion() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given Billing 4.2.1 deployed, and Billing 4.2.2 whose commits hold a feature
            try await client.send(.post, "/api/v1/environments", json: Samples.production)
            try await Self.release(client, title: "Billing", version: "4.2.1", start: "2027-01-05T21:00:00Z", end: "2027-01-06T00:00:00Z")
            for status in ["planned", "approved", "ready", "inProgress", "deployed"] {
                _ = try await services.releases.transition("REL-1", to: ReleaseStatus(rawValue: status)!, override: "history")
            }
            try await Self.release(client, title: "Billing", version: "4.2.2", start: "2027-03-05T21:00:00Z", end: "2027-03-06T00:00:00Z")
            try await client.send(.post, "/api/v1/releases/REL-2/commits", json: Self.commits)
            // when
            let version = try #require(try await client.send(.get, "/api/v1/releases/REL-2/notes").json()["version"] as? [String: Any])
            // then
            #expect(version["bump"] as? String == "minor" && version["previousRelease"] as? String == "REL-1")
            #expect(version["suggested"] as? String == "4.3.0" && version["agreement"] as? String == "under" && version["unclassified"] as? Int == 1)
        }
    }

    @Test("bad commits are refused whole and nothing is stored")
    func badCommits() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            // given
            try await client.send(.post, "/api/v1/environments", json: Samples.production)
            try await Self.release(client, title: "Billing", version: "4.3.0", start: "2027-03-05T21:00:00Z", end: "2027-03-06T00:00:00Z")
            // when
            let notHex = try await client.send(.post, "/api/v1/releases/REL-1/commits", json: #"{"commits":[{"hash":"abcdef1","message":"ok"},{"hash":"zzzzzzz","message":"x"}]}"#)
            let unknown = try await client.send(.post, "/api/v1/releases/REL-9/commits", json: #"{"commits":[{"hash":"abcdef1","message":"ok"}]}"#)
            let sortUnknown = try await client.send(.put, "/api/v1/releases/REL-1/commits/abcdef1/kind", json: #"{"kind":"fix"}"#)
            let list = try await client.send(.get, "/api/v1/releases/REL-1/commits").json()
            // then
            #expect(notHex.status == .badRequest || notHex.status == .unprocessableContent)
            #expect(unknown.status == .notFound && sortUnknown.status == .notFound)
            #expect(list["total"] as? Int == 0)
        }
    }

    @Test("the conflict check and the calendar flag a release planned before the one it requires", arguments: TestEngine.available)
    func calendarFlagsOrder(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given the portal (REL-1) planned the night before the API (REL-2) it requires
            try await client.send(.post, "/api/v1/environments", json: Samples.production)
            try await Self.release(client, title: "Portal", version: "3.0.0", start: "2027-03-04T21:00:00Z", end: "2027-03-04T23:00:00Z")
            try await Self.release(client, title: "API", version: "2.0.0", start: "2027-03-05T21:00:00Z", end: "2027-03-05T23:00:00Z")
            try await client.send(.post, "/api/v1/releases/REL-1/dependencies", json: #"{"release":"REL-2"}"#)
            for key in ["REL-1", "REL-2"] { try await client.send(.post, "/api/v1/releases/\(key)/transitions", json: #"{"to":"planned"}"#) }
            // when
            let conflicts = try await client.send(.get, "/api/v1/releases/REL-1/conflicts").json()
            let calendar = try await client.send(.get, "/api/v1/calendar?from=2027-03-01T00:00:00Z&to=2027-03-10T00:00:00Z").json()
            // then
            let found = try #require((conflicts["items"] as? [[String: Any]])?.first { $0["kind"] as? String == "dependencyOrder" }, "\(conflicts)")
            #expect(found["other"] as? String == "REL-2")
            #expect(found["explanation"] as? String == "planned to start before REL-2 (API), which it requires, ends")
            #expect(found["explanationFr"] as? String == "prévue avant la fin de REL-2 (API), dont elle dépend")
            let entries = try #require((calendar["entries"] ?? calendar["items"]) as? [[String: Any]], "\(calendar.keys)")
            let portal = try #require(entries.first { ($0["title"] as? String)?.contains("Portal") == true })
            #expect((portal["conflicts"] as? [[String: Any]])?.contains { $0["kind"] as? String == "dependencyOrder" } == true)
            let api = try #require(entries.first { ($0["title"] as? String)?.contains("API") == true })
            #expect((api["conflicts"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("with the dependencies rule, a release gets to ready only once what it requires is deployed", arguments: TestEngine.available)
    func gateWaitsForRequired(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given the portal (REL-1) requires the API (REL-2); both approved
            try await client.send(.post, "/api/v1/environments", json: Samples.production)
            try await Self.release(client, title: "Portal", version: "3.0.0", start: "2027-03-06T21:00:00Z", end: "2027-03-06T23:00:00Z")
            try await Self.release(client, title: "API", version: "2.0.0", start: "2027-03-05T21:00:00Z", end: "2027-03-05T23:00:00Z")
            try await client.send(.post, "/api/v1/releases/REL-1/dependencies", json: #"{"release":"REL-2"}"#)
            for key in ["REL-1", "REL-2"] {
                for status in ["planned", "approved"] { try await client.send(.post, "/api/v1/releases/\(key)/transitions", json: #"{"to":"\#(status)"}"#) }
            }
            try await client.send(.put, "/api/v1/policy", json: "timeZone: Europe/Paris\nrules:\n  - id: in-order\n    kind: dependencies\n",
                                  headers: [.contentType: "application/yaml"])
            // when
            let early = try await client.send(.post, "/api/v1/releases/REL-1/transitions", json: #"{"to":"ready"}"#)
            for status in [ReleaseStatus.ready, .inProgress, .deployed] { _ = try await services.releases.transition("REL-2", to: status, override: "test") }
            let later = try await client.send(.post, "/api/v1/releases/REL-1/transitions", json: #"{"to":"ready"}"#)
            // then
            #expect(early.status == .unprocessableContent && early.text.contains("REL-2 is approved, not deployed"), "\(early.text)")
            #expect(try early.problemFields() == ["policy.in-order"])
            #expect(later.status == .ok, "\(later.text)")
        }
    }

    @Test("deleting a draft takes its commits and its dependencies, both ways, with it", arguments: TestEngine.available)
    func deleteDraft(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given REL-1 requires the draft REL-2, which requires REL-3 and has commits
            try await client.send(.post, "/api/v1/environments", json: Samples.production)
            for (title, day) in [("Portal", "04"), ("API", "05"), ("Schema", "06")] {
                try await Self.release(client, title: title, version: "1.0.0", start: "2027-03-\(day)T21:00:00Z", end: "2027-03-\(day)T23:00:00Z")
            }
            try await client.send(.post, "/api/v1/releases/REL-1/dependencies", json: #"{"release":"REL-2"}"#)
            try await client.send(.post, "/api/v1/releases/REL-2/dependencies", json: #"{"release":"REL-3"}"#)
            try await client.send(.post, "/api/v1/releases/REL-2/commits", json: Self.commits)
            // when
            let deleted = try await client.send(.delete, "/api/v1/releases/REL-2")
            let portal = try await client.send(.get, "/api/v1/releases/REL-1/dependencies").json()
            let schema = try await client.send(.get, "/api/v1/releases/REL-3/dependencies").json()
            // then
            #expect(deleted.status == .noContent || deleted.status == .ok, "\(deleted.text)")
            #expect((portal["requires"] as? [Any])?.isEmpty == true && (schema["requiredBy"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("a commit holding a NUL character is refused whole, naming where: git never writes one")
    func nulRefused() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            // given
            try await client.send(.post, "/api/v1/environments", json: Samples.production)
            try await Self.release(client, title: "Billing", version: "4.3.0", start: "2027-03-05T21:00:00Z", end: "2027-03-06T00:00:00Z")
            // when
            let answer = try await client.send(.post, "/api/v1/releases/REL-1/commits", json: #"{"commits":[{"hash":"abcdef1","message":"fix: a\u0000b"}]}"#)
            // then
            #expect(answer.status == .badRequest && answer.text.contains("commits[0].message: contains the control character U+0000"), "\(answer.text)")
        }
    }

    @Test("a release requires another: both pages see it, a wrong order is flagged, a cycle is refused and named", arguments: TestEngine.available)
    func dependencies(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given the portal (REL-1) planned the night before the API it calls (REL-2), and a cancelled REL-3
            try await client.send(.post, "/api/v1/environments", json: Samples.production)
            try await Self.release(client, title: "Portal", version: "3.0.0", start: "2027-03-04T21:00:00Z", end: "2027-03-04T23:00:00Z", tags: #"["portal"]"#)
            try await Self.release(client, title: "API", version: "2.0.0", start: "2027-03-05T21:00:00Z", end: "2027-03-05T23:00:00Z", tags: #"["api"]"#)
            try await Self.release(client, title: "Old", version: "1.0.0", start: "2027-03-06T21:00:00Z", end: "2027-03-06T23:00:00Z")
            _ = try await services.releases.transition("REL-3", to: .cancelled)
            // when
            let added = try await client.send(.post, "/api/v1/releases/REL-1/dependencies", json: #"{"release":"REL-2","kind":"requires"}"#)
            let twice = try await client.send(.post, "/api/v1/releases/REL-1/dependencies", json: #"{"release":"REL-2","kind":"with"}"#)
            let cycle = try await client.send(.post, "/api/v1/releases/REL-2/dependencies", json: #"{"release":"REL-1"}"#)
            let cancelled = try await client.send(.post, "/api/v1/releases/REL-1/dependencies", json: #"{"release":"REL-3"}"#)
            let unknown = try await client.send(.post, "/api/v1/releases/REL-1/dependencies", json: #"{"release":"REL-99"}"#)
            let itself = try await client.send(.post, "/api/v1/releases/REL-1/dependencies", json: #"{"release":"REL-1"}"#)
            let fromAPI = try await client.send(.get, "/api/v1/releases/REL-2/dependencies").json()
            let removed = try await client.send(.delete, "/api/v1/releases/REL-1/dependencies/REL-2").json()
            let gone = try await client.send(.delete, "/api/v1/releases/REL-1/dependencies/REL-2")
            // then
            #expect(added.status == .created)
            let line = try #require((try added.json()["requires"] as? [[String: Any]])?.first)
            #expect(line["on"] as? String == "REL-2" && line["title"] as? String == "API" && line["problem"] as? String == "plannedBefore")
            #expect(twice.status == .conflict)
            #expect(cycle.status == .unprocessableContent && cycle.text.contains("REL-2 → REL-1 → REL-2"))
            #expect(cancelled.status == .unprocessableContent && cancelled.text.contains("REL-3 is cancelled"))
            #expect(unknown.status == .unprocessableContent && unknown.text.contains("no release REL-99"))
            #expect(itself.status == .unprocessableContent)
            #expect((fromAPI["requiredBy"] as? [[String: Any]])?.first?["release"] as? String == "REL-1")
            #expect((removed["requires"] as? [Any])?.isEmpty == true && gone.status == .notFound)
        }
    }
}
