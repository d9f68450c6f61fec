import BasculeCore
import BasculeServer
import BasculeTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Configuration items, import, impact, conflicts, the calendar and its feed through the API.
@Suite("Inventory and calendar")
struct InventoryAPITests {
    static let csv = """
        key,name,type,ownerTeam,criticality,environments,tags,dependsOn
        pg-cluster,PostgreSQL cluster,database,dba,1,production,,
        payroll-db,Payroll database,database,dba,1,production,payroll,pg-cluster
        payroll-api,Payroll API,microservice,hr-apps,1,production,payroll,payroll-db
        svc-payroll,Payroll,service,hr-apps,1,production,payroll,payroll-api
        shop-db,Shop database,database,dba,2,production,shop,pg-cluster

        """

    static func importCSV(_ client: SignedInClient, _ text: String = csv, query: String = "") async throws -> TestResponse {
        try await client.send(.post, "/api/v1/inventory/import\(query)", json: text, headers: [.contentType: "text/csv"])
    }

    static func release(_ client: SignedInClient, _ title: String, _ start: String, _ end: String, items: [String]) async throws -> String {
        let body = #"{"title":"\#(title)","version":"1.0","type":"minor","plannedStart":"\#(start)","plannedEnd":"\#(end)","environment":"production"}"#
        let key = try await client.send(.post, "/api/v1/releases", json: body).json()["key"] as? String ?? ""
        let list = items.map { "\"\($0)\"" }.joined(separator: ",")
        let change = try await client.send(.post, "/api/v1/releases/\(key)/changes", json: #"{"title":"Deploy","items":[\#(list)]}"#)
        #expect(change.status == .created, "\(change.text)")
        try await client.send(.post, "/api/v1/releases/\(key)/transitions", json: #"{"to":"planned"}"#)
        return key
    }

    @Test("a CSV import creates the items with their relations, and the same file again changes nothing", arguments: TestEngine.available)
    func importCreatesThenNothing(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given
            try await client.send(.post, "/api/v1/environments", json: Samples.production)
            // when
            let first = try await Self.importCSV(client).json()
            let second = try await Self.importCSV(client).json()
            let item = try await client.send(.get, "/api/v1/cis/Payroll-API").json()
            // then
            #expect((first["created"] as? [String])?.count == 5)
            #expect((second["unchanged"] as? [String])?.count == 5)
            #expect(item["dependsOn"] as? [String] == ["payroll-db"])
            #expect(item["criticality"] as? Int == 1)
        }
    }

    @Test("a file with a refused row imports nothing and names every row; --partial imports the rest", arguments: TestEngine.available)
    func refusedRowsImportNothing(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given
            let file = "key,name,type,dependsOn\nok-1,OK,server,\nbad,Bad,server,ghost\nok-1,Again,server,\nself,Self,server,self\nok-2,OK 2,server,\n"
            // when
            let refused = try await Self.importCSV(client, file)
            let countAfterRefusal = try await client.send(.get, "/api/v1/cis").json()["items"] as? [Any]
            let partial = try await Self.importCSV(client, file, query: "?partial=true").json()
            // then
            #expect(refused.status == .unprocessableContent)
            let errors = try refused.json()["errors"] as? [[String: Any]] ?? []
            #expect(errors.compactMap { $0["line"] as? Int } == [2, 3, 4, 5])
            #expect(countAfterRefusal?.isEmpty == true)
            #expect(partial["created"] as? [String] == ["ok-2"])
            #expect((partial["rejected"] as? [Any])?.count == 4)
        }
    }

    @Test("wrong columns, bad encodings and a dry run leave the inventory untouched", arguments: TestEngine.available)
    func badFiles(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // when
            let columns = try await Self.importCSV(client, "key,label,kind\na,A,server\n")
            let latin1 = try await client.raw.execute(uri: "/api/v1/inventory/import", method: .post,
                                                      headers: [.contentType: "text/csv", .authorization: "Bearer \(client.token)"],
                                                      body: ByteBuffer(bytes: Array("key,name,type\nb,Caf".utf8) + [0xE9] + Array(",server\n".utf8))) { $0 }
            let dryRun = try await Self.importCSV(client, "key,name,type\nc,C,server\n", query: "?dryRun=true").json()
            let items = try await client.send(.get, "/api/v1/cis").json()["items"] as? [Any]
            // then
            #expect(columns.status == .unprocessableContent)
            #expect(columns.text.contains("unknown column 'label'"))
            #expect(latin1.status == .unprocessableContent)
            #expect(latin1.text.contains("not UTF-8"))
            #expect(dryRun["created"] as? [String] == ["c"])
            #expect(dryRun["applied"] as? Bool == false)
            #expect(items?.isEmpty == true)
        }
    }

    @Test("an item is refused a relation to itself or to an unknown item, and cannot be deleted while others depend on it", arguments: TestEngine.available)
    func itemRules(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given
            try await Self.importCSV(client)
            // when
            let selfRelation = try await client.send(.put, "/api/v1/cis/payroll-db", json: #"{"key":"payroll-db","name":"DB","type":"database","dependsOn":["payroll-db"]}"#)
            let unknown = try await client.send(.post, "/api/v1/cis", json: #"{"key":"new","name":"New","type":"server","dependsOn":["ghost"]}"#)
            let stale = try await client.send(.put, "/api/v1/cis/shop-db", json: #"{"key":"shop-db","name":"Shop","type":"database"}"#, headers: [.ifMatch: "\"9\""])
            let delete = try await client.send(.delete, "/api/v1/cis/payroll-db")
            let deleteLeaf = try await client.send(.delete, "/api/v1/cis/svc-payroll")
            // then
            #expect(selfRelation.status == .unprocessableContent)
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.text.contains("ghost"))
            #expect(stale.status == .preconditionFailed)
            #expect(delete.status == .conflict)
            #expect(delete.text.contains("payroll-api depend on it"))
            #expect(deleteLeaf.status == .noContent)
        }
    }

    @Test("the impact of an item lists its dependents with depth and path; a release's puts business services first", arguments: TestEngine.available)
    func impact(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given
            try await client.send(.post, "/api/v1/environments", json: Samples.production)
            try await Self.importCSV(client)
            let key = try await Self.release(client, "Cluster upgrade", "2027-03-03T20:00:00Z", "2027-03-03T22:00:00Z", items: ["pg-cluster"])
            // when
            let item = try await client.send(.get, "/api/v1/cis/pg-cluster/impact").json()
            let shallow = try await client.send(.get, "/api/v1/cis/pg-cluster/impact?maxDepth=1").json()
            let release = try await client.send(.get, "/api/v1/releases/\(key)/impact").json()
            // then
            let impacted = item["impacted"] as? [[String: Any]] ?? []
            #expect(impacted.count == 4)
            #expect(impacted.first { $0["key"] as? String == "svc-payroll" }?["path"] as? [String] == ["pg-cluster", "payroll-db", "payroll-api", "svc-payroll"])
            #expect((shallow["impacted"] as? [Any])?.count == 2)
            #expect((release["businessServices"] as? [[String: Any]])?.map { $0["key"] as? String } == ["svc-payroll"])
            #expect((release["impacted"] as? [[String: Any]])?.first?["key"] as? String == "svc-payroll")
        }
    }

    @Test("a change naming an unknown item is refused", arguments: TestEngine.available)
    func changeUnknownItem(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            try await client.send(.post, "/api/v1/releases", json: Samples.release)
            let response = try await client.send(.post, "/api/v1/releases/REL-1/changes", json: #"{"title":"Deploy","items":["nowhere"]}"#)
            #expect(response.status == .unprocessableContent)
            #expect(try response.problemFields() == ["items"])
        }
    }

    @Test("two overlapping releases on dependent items conflict, a conflicts rule blocks the gate, and the assistant offers other windows", arguments: TestEngine.available)
    func conflictsAndSlots(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given
            try await client.send(.post, "/api/v1/environments", json: Samples.production)
            try await Self.importCSV(client)
            try await client.send(.put, "/api/v1/policy", json: "rules:\n  - {id: calm, kind: conflicts}\n", headers: [.contentType: "application/yaml"])
            let db = try await Self.release(client, "Payroll DB", "2027-03-03T20:00:00Z", "2027-03-03T22:00:00Z", items: ["payroll-db"])
            let api = try await Self.release(client, "Payroll API", "2027-03-03T21:00:00Z", "2027-03-03T23:00:00Z", items: ["payroll-api"])
            // when
            let conflicts = try await client.send(.get, "/api/v1/releases/\(api)/conflicts").json()
            let gate = try await client.send(.post, "/api/v1/releases/\(api)/transitions", json: #"{"to":"approved"}"#)
            let slots = try await client.send(.get, "/api/v1/releases/\(api)/slots?within=30d&duration=2h&limit=3").json()
            let tooFar = try await client.send(.get, "/api/v1/releases/\(api)/slots?within=400d")
            // then
            let items = conflicts["items"] as? [[String: Any]] ?? []
            #expect(items.map { $0["kind"] as? String } == ["dependentItem"])
            #expect(items.first?["other"] as? String == db)
            #expect((items.first?["explanationFr"] as? String)?.contains("dont dépend payroll-api") == true)
            #expect(gate.status == .unprocessableContent)
            #expect(try gate.problemFields() == ["policy.calm"])
            #expect((slots["items"] as? [Any])?.count == 3)
            #expect(slots["durationMinutes"] as? Int == 120)
            #expect(tooFar.status == .unprocessableContent)
        }
    }

    @Test("the calendar shows releases with conflicts and maintenance windows; the feed answers with its token only", arguments: TestEngine.available)
    func calendarAndFeed(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given
            try await client.send(.post, "/api/v1/environments", json: Samples.production)
            try await Self.importCSV(client)
            let window = try await client.send(.post, "/api/v1/maintenance-windows",
                                               json: #"{"name":"Nights","environments":["production"],"recurrence":{"days":["wed"],"hours":"20:00-23:00","timeZone":"Europe/Paris"}}"#)
            _ = try await Self.release(client, "Payroll DB", "2027-03-03T19:00:00Z", "2027-03-03T21:00:00Z", items: ["payroll-db"])
            _ = try await Self.release(client, "Shop DB", "2027-03-03T20:00:00Z", "2027-03-03T21:30:00Z", items: ["shop-db"])
            // when
            let calendar = try await client.send(.get, "/api/v1/calendar?from=2027-03-01T00:00:00Z&to=2027-03-08T00:00:00Z").json()
            let badZone = try await client.send(.post, "/api/v1/maintenance-windows", json: #"{"name":"X","recurrence":{"hours":"20:00-23:00","timeZone":"Paris"}}"#)
            let backwards = try await client.send(.get, "/api/v1/calendar?from=2027-03-08T00:00:00Z&to=2027-03-01T00:00:00Z")
            let token = try await client.send(.post, "/api/v1/calendar/feed-token").json()["path"] as? String ?? ""
            let feed = try await client.raw.send(.get, token)
            let forged = try await client.raw.send(.get, "/calendar.ics?token=bcal_forged")
            try await client.send(.delete, "/api/v1/calendar/feed-token")
            let revoked = try await client.raw.send(.get, token)
            // then
            #expect(window.status == .created)
            let entries = calendar["items"] as? [[String: Any]] ?? []
            #expect(calendar["timeZone"] as? String == "Europe/Paris")
            #expect(entries.filter { $0["kind"] as? String == "release" }.allSatisfy { !(($0["conflicts"] as? [Any]) ?? []).isEmpty })
            #expect(entries.contains { $0["kind"] as? String == "maintenance" && $0["title"] as? String == "Nights" })
            #expect(badZone.status == .unprocessableContent)
            #expect(backwards.status == .unprocessableContent)
            #expect(feed.status == .ok)
            #expect(feed.headers[.contentType] == "text/calendar; charset=utf-8")
            #expect(feed.text.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Paris"))
            #expect(feed.text.contains("RRULE:FREQ=WEEKLY;BYDAY=WE"))
            #expect(feed.text.contains("SUMMARY:⚠ REL-1 Payroll DB 1.0"))
            #expect(forged.status == .unauthorized)
            #expect(revoked.status == .unauthorized)
        }
    }

    @Test("the export in either format imports back unchanged", arguments: TestEngine.available)
    func exportRoundTrip(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            try await Self.importCSV(client)
            for (format, type) in [("csv", "text/csv"), ("yaml", "application/yaml")] {
                let exported = try await client.send(.get, "/api/v1/inventory/export?format=\(format)").text
                let report = try await client.send(.post, "/api/v1/inventory/import", json: exported, headers: [.contentType: type]).json()
                #expect((report["unchanged"] as? [String])?.count == 5, "\(format)")
            }
        }
    }
}
