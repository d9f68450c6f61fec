import BasculeCore
@testable import BasculeServer
import BasculeStore
import BasculeTestSupport
import Foundation
import HTTPTypes
import Testing

@Suite("After the release: incidents, attribution, indicators, reports, evidence")
struct AfterReleaseAPITests {
    static let runbook = """
        steps:
          - {key: stop, title: Stop billing, duration: 5m, downtime: true}
          - {key: deploy, title: Deploy billing, duration: 10m, after: [stop], downtime: true}
        """

    /// billing-db ← billing-app ← portal (each depends on the one before); REL-1 changes
    /// billing-db and is deployed to production by a live run that ran to the end.
    static func deployedRelease(_ client: SignedInClient, _ services: BasculeServices) async throws {
        try await client.send(.post, "/api/v1/environments", json: Samples.production)
        _ = try await services.inventory.create(CIInput(key: "billing-db", name: "Billing database", type: "database"))
        _ = try await services.inventory.create(CIInput(key: "billing-app", name: "Billing", type: "application", dependsOn: ["billing-db"]))
        _ = try await services.inventory.create(CIInput(key: "portal", name: "Portal", type: "service", dependsOn: ["billing-app"]))
        _ = try await services.inventory.create(CIInput(key: "hr", name: "HR", type: "application"))
        try await client.send(.post, "/api/v1/releases", json: Samples.plannedRelease)
        _ = try await services.changes.create(in: "REL-1", ChangeFields(title: "Schema 42", items: ["billing-db"]))
        let imported = try await client.send(.put, "/api/v1/releases/REL-1/runbook/yaml", json: runbook, headers: [.contentType: "application/yaml"])
        #expect(imported.status == .ok, "\(imported.text)")
        for status in ["planned", "approved", "ready"] {
            try await client.send(.post, "/api/v1/releases/REL-1/transitions", json: #"{"to":"\#(status)"}"#)
        }
        let live = try await services.runs.create(in: "REL-1", kind: .live)
        for step in ["stop", "deploy"] {
            _ = try await services.runs.act(live.id.uuidString, .start(step))
            _ = try await services.runs.act(live.id.uuidString, .complete(step))
        }
    }

    static func incident(_ reference: String, items: [String], openedAgo: TimeInterval = 3600, resolved: Bool = false) -> String {
        let opened = Date().addingTimeInterval(-openedAgo).formatted(.iso8601)
        let resolvedAt = resolved ? #","resolvedAt":"\#(Date().formatted(.iso8601))""# : ""
        let list = items.map { "\"\($0)\"" }.joined(separator: ",")
        return #"{"reference":"\#(reference)","title":"Invoices fail","severity":2,"openedAt":"\#(opened)"\#(resolvedAt),"items":[\#(list)]}"#
    }

    @Test("a live run that ends records the cutover, and an incident on an item depending on what it changed names it with the path", arguments: TestEngine.available)
    func attribution(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            try await Self.deployedRelease(client, services)
            // when
            let response = try await client.send(.post, "/api/v1/incidents", json: Self.incident("INC-1", items: ["portal"], openedAgo: -60))
            // then
            #expect(response.status == .created, "\(response.text)")
            let attributions = try response.json()["attributions"] as? [[String: Any]] ?? []
            #expect(attributions.count == 1)
            #expect(attributions.first?["release"] as? String == "REL-1")
            #expect(attributions.first?["path"] as? [String] == ["billing-db", "billing-app", "portal"])
            #expect(attributions.first?["state"] as? String == "candidate")
        }
    }

    @Test("an incident on something no deployed release touched says it has no candidate", arguments: TestEngine.available)
    func noCandidate(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            try await Self.deployedRelease(client, services)
            // when
            let response = try await client.send(.post, "/api/v1/incidents", json: Self.incident("INC-2", items: ["hr"], openedAgo: -60))
            // then
            #expect(response.status == .created, "\(response.text)")
            #expect((try response.json()["attributions"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("a confirmed incident makes the deployment failed once however many incidents follow it; no data is absent, not 0", arguments: TestEngine.available)
    func changeFailureRate(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            try await Self.deployedRelease(client, services)
            for reference in ["INC-1", "INC-2"] {
                try await client.send(.post, "/api/v1/incidents", json: Self.incident(reference, items: ["billing-db"], openedAgo: -60))
                let decided = try await client.send(.put, "/api/v1/incidents/\(reference)/attributions/REL-1", json: #"{"decision":"confirmed"}"#)
                #expect(decided.status == .ok, "\(decided.text)")
            }
            let from = Date().addingTimeInterval(-86_400).formatted(.iso8601), to = Date().addingTimeInterval(86_400).formatted(.iso8601)
            // when
            let response = try await client.send(.get, "/api/v1/indicators?from=\(from)&to=\(to)&explain=true")
            let empty = try await client.send(.get, "/api/v1/indicators?from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z")
            // then
            #expect(response.status == .ok, "\(response.text)")
            let indicators = try response.json()["indicators"] as? [[String: Any]] ?? []
            let cfr = try #require(indicators.first { $0["key"] as? String == "changeFailureRate" })
            #expect(cfr["numerator"] as? Int == 1)
            #expect(cfr["denominator"] as? Int == 1)
            #expect((cfr["counted"] as? [[String: Any]])?.map { $0["record"] as? String } == ["REL-1"])
            let success = try #require(indicators.first { $0["key"] as? String == "success" })
            #expect(success["value"] as? Double == 1)
            let none = try empty.json()["indicators"] as? [[String: Any]] ?? []
            #expect(none.first { $0["key"] as? String == "changeFailureRate" }?["value"] == nil, "no data is not 0")
            #expect(none.first { $0["key"] as? String == "changeFailureRate" }?["band"] == nil)
        }
    }

    @Test("an incident resolved before it opened and an unknown item are refused with the field; nothing is stored", arguments: TestEngine.available)
    func badIncident(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            _ = try await services.inventory.create(CIInput(key: "hr", name: "HR", type: "application"))
            let backwards = #"{"reference":"INC-9","title":"x","severity":2,"openedAt":"2026-11-02T10:00:00Z","resolvedAt":"2026-11-02T09:00:00Z"}"#
            // when
            let early = try await client.send(.post, "/api/v1/incidents", json: backwards)
            let unknown = try await client.send(.post, "/api/v1/incidents", json: Self.incident("INC-9", items: ["hr", "mainframe"]))
            let list = try await client.send(.get, "/api/v1/incidents")
            // then
            #expect(early.status == .unprocessableContent)
            #expect(early.text.contains("resolvedAt"))
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.text.contains("mainframe"))
            #expect(try list.json()["total"] as? Int == 0)
        }
    }

    @Test("a CSV with bad rows names each row and imports nothing, unless a partial import is asked", arguments: TestEngine.available)
    func csvImport(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            _ = try await services.inventory.create(CIInput(key: "hr", name: "HR", type: "application"))
            let csv = """
                reference,title,severity,opened,resolved,items
                INC-1,Slow pages,3,2026-11-02T08:30:00Z,2026-11-02T09:30:00Z,hr
                INC-2,Down,9,2026-11-02T08:30:00Z,,hr
                INC-3,Unknown item,2,2026-11-03T08:30:00Z,,nowhere

                """
            // when
            let whole = try await client.send(.post, "/api/v1/incidents/import", json: csv, headers: [.contentType: "text/csv"])
            let none = try await client.send(.get, "/api/v1/incidents")
            let partial = try await client.send(.post, "/api/v1/incidents/import?partial=true", json: csv, headers: [.contentType: "text/csv"])
            // then
            #expect(whole.status == .unprocessableContent)
            #expect(whole.text.contains("line 3"), "\(whole.text)")
            #expect(whole.text.contains("nowhere"))
            #expect(try none.json()["total"] as? Int == 0)
            #expect(partial.status == .ok, "\(partial.text)")
            #expect(try partial.json()["imported"] as? [String] == ["INC-1"])
            #expect((try partial.json()["refused"] as? [[String: Any]])?.count == 2)
        }
    }

    @Test("a tool with its own token sends an incident and then its resolution; a wrong token is 401 and stores nothing", arguments: TestEngine.available)
    func inbound(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            _ = try await services.inventory.create(CIInput(key: "hr", name: "HR", type: "application"))
            let source = try await client.send(.post, "/api/v1/incident-sources", json: #"{"name":"nagios"}"#)
            let token = try #require(try source.json()["token"] as? String)
            // when
            let wrong = try await client.raw.send(.post, "/api/v1/inbound/incidents", json: Self.incident("INC-7", items: ["hr"]),
                                                  headers: [.authorization: "Bearer bin_nottherightone"])
            let first = try await client.raw.send(.post, "/api/v1/inbound/incidents", json: Self.incident("INC-7", items: ["hr"]),
                                                  headers: [.authorization: "Bearer \(token)"])
            let again = try await client.raw.send(.post, "/api/v1/inbound/incidents", json: Self.incident("INC-7", items: ["hr"], resolved: true),
                                                  headers: [.authorization: "Bearer \(token)"])
            let list = try await client.send(.get, "/api/v1/incidents")
            // then
            #expect(wrong.status == .unauthorized)
            #expect(first.status == .created, "\(first.text)")
            #expect(again.status == .ok)
            #expect(try list.json()["total"] as? Int == 1)
            let incident = try #require((try list.json()["items"] as? [[String: Any]])?.first)
            #expect(incident["resolvedAt"] != nil)
            #expect(incident["source"] as? String == "webhook:nagios")
        }
    }

    @Test("a second incident source of the same name is 409 and the first one's token still works", arguments: TestEngine.available)
    func duplicateSource(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given
            let first = try await client.send(.post, "/api/v1/incident-sources", json: #"{"name":"nagios"}"#)
            let token = try #require(try first.json()["token"] as? String)
            // when
            let second = try await client.send(.post, "/api/v1/incident-sources", json: #"{"name":"nagios"}"#)
            let sent = try await client.raw.send(.post, "/api/v1/inbound/incidents", json: Self.incident("INC-8", items: []),
                                                 headers: [.authorization: "Bearer \(token)"])
            // then
            #expect(second.status == .conflict, "\(second.text)")
            #expect(second.text.contains("nagios"))
            #expect(sent.status == .created, "\(sent.text)")
        }
    }

    @Test("the evidence pack of a deployed release verifies, its digest is in the audit trail, and an edited file is named", arguments: TestEngine.available)
    func evidencePack(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            try await Self.deployedRelease(client, services)
            // when
            let response = try await client.send(.get, "/api/v1/releases/REL-1/evidence-pack")
            let bytes = Array(response.body.readableBytesView)
            let digest = try #require(response.headers[HTTPField.Name("X-Manifest-SHA256")!])
            var entries = try ZipArchive.read(bytes)
            let index = try #require(entries.firstIndex { $0.name == "release.json" })
            entries[index] = ZipArchive.Entry(name: "release.json", data: entries[index].data + Array(" ".utf8))
            // then
            #expect(response.headers[.contentType] == "application/zip")
            let verification = EvidencePack.verify(bytes, expectedManifest: digest)
            #expect(verification.isIntact, "\(verification.problems)")
            #expect(verification.checked.contains("audit-events.json"))
            #expect(verification.checked.contains { $0.hasPrefix("runs/") })
            let promotion = String(decoding: entries.first { $0.name == "promotion.json" }?.data ?? [], as: UTF8.self)
            #expect(promotion.contains(#""environment" : "production""#) && promotion.contains(#""outcome" : "deployed""#), "\(promotion)")
            #expect(EvidencePack.verify(ZipArchive.write(entries, at: Date())).problems == ["release.json was changed (its SHA-256 no longer matches the manifest)"])
            let audit = try await client.send(.get, "/api/v1/audit?target=REL-1")
            #expect(audit.text.contains(digest))
        }
    }

    @Test("the weekly report lists the cutover that ended in the week with the indicators and their trend; a period that is not one is 404", arguments: TestEngine.available)
    func weeklyReport(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            try await Self.deployedRelease(client, services)
            // when
            let report = try await client.send(.get, "/api/v1/reports/weekly?at=\(Date().formatted(.iso8601))")
            let markdown = try await client.send(.get, "/api/v1/reports/weekly?at=\(Date().formatted(.iso8601))&format=md&lang=fr")
            let csv = try await client.send(.get, "/api/v1/reports/monthly?format=csv")
            let bad = try await client.send(.get, "/api/v1/reports/yearly")
            // then
            #expect(report.status == .ok, "\(report.text)")
            let deployed = try report.json()["deployed"] as? [[String: Any]] ?? []
            #expect(deployed.map { $0["release"] as? String } == ["REL-1"])
            #expect((try report.json()["trends"] as? [[String: Any]])?.first?["points"] as? [Any] != nil)
            #expect(markdown.text.contains("REL-1"))
            #expect(markdown.text.contains("Indicateurs"))
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(csv.text.hasPrefix("section,key,name,value"))
            #expect(bad.status == .notFound)
            #expect(bad.text.contains("daily, weekly or monthly"))
        }
    }
}
