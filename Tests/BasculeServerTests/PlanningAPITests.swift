import BasculeCore
import BasculeServer
import BasculeTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The plan, documents, changes and test evidence through the API.
@Suite("Planning")
struct PlanningAPITests {
    static func report(_ name: String) throws -> String {
        try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("BasculeCoreTests/JUnitReports/\(name)"), encoding: .utf8)
    }

    @Test("a plan is saved whole, read back with computed scores, and guarded by its ETag", arguments: TestEngine.available)
    func planRoundTrip(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given
            try await client.send(.post, "/api/v1/releases", json: Samples.release)
            let plan = #"{"objectives":[{"statement":"E-invoices accepted","successCriterion":"99% accepted on day one"}],"scopeIn":["billing"],"scopeOut":["archives"],"risks":[{"title":"Platform slow","probability":3,"impact":4,"mitigation":"Queue","owner":"Claire"}],"milestones":[{"name":"Code freeze","due":"2020-01-01T00:00:00Z"}],"resources":[{"name":"payments","kind":"team","role":"responsible"}],"training":[{"title":"Support briefing","audience":"itStaff"}],"requirements":[{"category":"performance","target":"p95 < 300 ms","verification":"load test"}],"readiness":[{"title":"Probes","done":true}]}"#
            // when
            let saved = try await client.send(.put, "/api/v1/releases/REL-1/plan", json: plan, headers: [.ifMatch: "\"0\""])
            let stale = try await client.send(.put, "/api/v1/releases/REL-1/plan", json: "{}", headers: [.ifMatch: "\"0\""])
            let read = try await client.send(.get, "/api/v1/releases/REL-1/plan")
            // then
            #expect(saved.status == .ok)
            #expect(saved.headers[.eTag] == "\"1\"")
            #expect(stale.status == .preconditionFailed)
            let body = try read.json()
            #expect((body["risks"] as? [[String: Any]])?.first?["score"] as? Int == 12)
            #expect((body["milestones"] as? [[String: Any]])?.first?["overdue"] as? Bool == true)
            #expect(body["scopeOut"] as? [String] == ["archives"])
        }
    }

    @Test("a probability out of range is refused naming the risk, and the plan is unchanged", arguments: TestEngine.available)
    func probabilityOutOfRange(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given
            try await client.send(.post, "/api/v1/releases", json: Samples.release)
            try await client.send(.put, "/api/v1/releases/REL-1/plan", json: #"{"scopeIn":["billing"]}"#)
            // when
            let response = try await client.send(.put, "/api/v1/releases/REL-1/plan", json: #"{"risks":[{"title":"a","probability":7,"impact":0}]}"#)
            // then
            #expect(response.status == .unprocessableContent)
            #expect(try response.problemFields() == ["risks[0].probability", "risks[0].impact"])
            let plan = try await client.send(.get, "/api/v1/releases/REL-1/plan").json()
            #expect(plan["scopeIn"] as? [String] == ["billing"])
            #expect(plan["revision"] as? Int == 1)
        }
    }

    @Test("documents keep every version with its author", arguments: TestEngine.available)
    func documentHistory(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given
            try await client.send(.post, "/api/v1/releases", json: Samples.release)
            // when
            try await client.send(.put, "/api/v1/releases/REL-1/documents/rollbackPlan", json: #"{"content":"1. Restore the dump"}"#)
            try await client.send(.put, "/api/v1/releases/REL-1/documents/rollbackPlan", json: #"{"content":"1. Restore the dump\n2. Flush caches","expectedVersion":1}"#)
            let stale = try await client.send(.put, "/api/v1/releases/REL-1/documents/rollbackPlan", json: #"{"content":"x","expectedVersion":1}"#)
            let first = try await client.send(.get, "/api/v1/releases/REL-1/documents/rollbackPlan?version=1").json()
            let current = try await client.send(.get, "/api/v1/releases/REL-1/documents/rollbackPlan").json()
            // then
            #expect(stale.status == .preconditionFailed)
            #expect(first["content"] as? String == "1. Restore the dump")
            #expect(current["version"] as? Int == 2)
            #expect((current["history"] as? [[String: Any]])?.count == 2)
            #expect((current["history"] as? [[String: Any]])?.first?["author"] as? String == client.username)
        }
    }

    @Test("changes are numbered CHG-n across releases and carry their requester", arguments: TestEngine.available)
    func changes(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given
            try await client.send(.post, "/api/v1/releases", json: Samples.release)
            try await client.send(.post, "/api/v1/releases", json: Samples.release)
            // when
            let first = try await client.send(.post, "/api/v1/releases/REL-1/changes", json: #"{"title":"Schema","category":"standard","kind":"configuration","link":"JIRA-12","risk":"medium","rollback":"drop column"}"#)
            let second = try await client.send(.post, "/api/v1/releases/REL-2/changes", json: #"{"title":"Firmware","kind":"network"}"#)
            let bad = try await client.send(.post, "/api/v1/releases/REL-1/changes", json: #"{"title":"x","link":"has spaces in it"}"#)
            // then
            #expect(try first.json()["key"] as? String == "CHG-1")
            #expect(try first.json()["requestedBy"] as? String == client.username)
            #expect(try second.json()["key"] as? String == "CHG-2")
            #expect(bad.status == .unprocessableContent)
            let list = try await client.send(.get, "/api/v1/releases/REL-1/changes").json()["items"] as? [[String: Any]]
            #expect(list?.count == 1)
        }
    }

    @Test("a real pytest report is imported as a campaign with its failing tests", arguments: TestEngine.available)
    func importPytest(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given
            try await client.send(.post, "/api/v1/releases", json: Samples.release)
            // when
            let response = try await client.send(.post, "/api/v1/releases/REL-1/test-campaigns/junit?kind=regression&fileName=report.xml",
                                                  json: try Self.report("pytest-junitxml.xml"), headers: [.contentType: "application/xml"])
            // then
            #expect(response.status == .created)
            let campaign = try response.json()
            #expect(campaign["passed"] as? Int == 2)
            #expect(campaign["failed"] as? Int == 2)
            #expect(campaign["skipped"] as? Int == 1)
            #expect(campaign["source"] as? String == "junit:report.xml")
            #expect((campaign["failingTests"] as? [String])?.first == "test_sample.test_vat_rounding")
        }
    }

    @Test("a truncated or non-XML report imports nothing", arguments: TestEngine.available)
    func brokenReport(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given
            try await client.send(.post, "/api/v1/releases", json: Samples.release)
            let whole = try Self.report("swift-testing-xunit.xml")
            // when
            let truncated = try await client.send(.post, "/api/v1/releases/REL-1/test-campaigns/junit?kind=regression",
                                                  json: String(whole.prefix(whole.count / 2)), headers: [.contentType: "application/xml"])
            let notXML = try await client.send(.post, "/api/v1/releases/REL-1/test-campaigns/junit?kind=regression",
                                               json: "all green", headers: [.contentType: "application/xml"])
            // then
            #expect(truncated.status == .unprocessableContent)
            #expect(try truncated.problemFields() == ["report"])
            #expect(notXML.status == .unprocessableContent)
            let list = try await client.send(.get, "/api/v1/releases/REL-1/test-campaigns").json()["items"] as? [Any]
            #expect(list?.isEmpty == true)
        }
    }

    @Test("a draft deleted takes its plan, changes and campaigns with it", arguments: TestEngine.available)
    func deleteDraftWithPlan(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given
            try await client.send(.post, "/api/v1/releases", json: Samples.release)
            try await client.send(.put, "/api/v1/releases/REL-1/plan", json: #"{"scopeIn":["x"]}"#)
            try await client.send(.post, "/api/v1/releases/REL-1/changes", json: #"{"title":"c"}"#)
            try await client.send(.post, "/api/v1/releases/REL-1/test-campaigns", json: #"{"kind":"functional","passed":1,"failed":0,"skipped":0}"#)
            // when
            let response = try await client.send(.delete, "/api/v1/releases/REL-1")
            // then
            #expect(response.status == .noContent)
            #expect(try await client.send(.get, "/api/v1/changes/CHG-1").status == .notFound)
        }
    }
}
