import BasculeServer
import BasculeTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Every refusal answers an RFC 9457 problem that names the field, and writes nothing.
@Suite("Bad input")
struct BadInputAPITests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let method: HTTPRequest.Method
        let path: String
        let body: String?
        var ifMatch: String?
        let status: Int
        let field: String?

        var testDescription: String { name }
    }

    /// Each case runs against a database holding REL-1 (a draft with a window) and REL-2
    /// (deployed), and must leave it exactly as it was.
    static let cases: [Case] = [
        Case(name: "malformed JSON", method: .post, path: "/api/v1/releases", body: #"{"title": "x""#, status: 400, field: "body"),
        Case(name: "wrong type", method: .post, path: "/api/v1/releases", body: #"{"title": 42, "version": "1", "type": "minor"}"#, status: 400, field: "title"),
        Case(name: "unknown enum value", method: .post, path: "/api/v1/releases", body: #"{"title": "x", "version": "1", "type": "huge"}"#, status: 400, field: "type"),
        Case(name: "missing required field", method: .post, path: "/api/v1/releases", body: #"{"title": "x", "type": "minor"}"#, status: 400, field: "version"),
        Case(name: "bad date", method: .post, path: "/api/v1/releases", body: #"{"title": "x", "version": "1", "type": "minor", "plannedStart": "tomorrow"}"#, status: 400, field: "plannedStart"),
        Case(name: "date out of range", method: .post, path: "/api/v1/releases", body: #"{"title": "x", "version": "1", "type": "minor", "plannedStart": "2027-03-05T12:99:00Z", "plannedEnd": "2027-03-05T23:00:00Z"}"#, status: 400, field: "plannedStart"),
        Case(name: "title over 200 characters", method: .post, path: "/api/v1/releases", body: #"{"title": "\#(String(repeating: "é", count: 201))", "version": "1", "type": "minor"}"#, status: 422, field: "title"),
        Case(name: "window end before start", method: .post, path: "/api/v1/releases", body: #"{"title": "x", "version": "1", "type": "minor", "plannedStart": "2027-03-05T22:00:00Z", "plannedEnd": "2027-03-05T21:00:00Z"}"#, status: 422, field: "plannedEnd"),
        Case(name: "unknown environment", method: .post, path: "/api/v1/releases", body: #"{"title": "x", "version": "1", "type": "minor", "environment": "mars"}"#, status: 422, field: "environment"),
        Case(name: "unknown key", method: .get, path: "/api/v1/releases/REL-99", body: nil, status: 404, field: nil),
        Case(name: "malformed key", method: .get, path: "/api/v1/releases/banana", body: nil, status: 404, field: nil),
        Case(name: "forbidden transition", method: .post, path: "/api/v1/releases/REL-2/transitions", body: #"{"to":"draft"}"#, status: 409, field: nil),
        Case(name: "transition without what it needs", method: .post, path: "/api/v1/releases/REL-1/transitions", body: #"{"to":"planned"}"#, status: 422, field: "environment"),
        Case(name: "unknown target status", method: .post, path: "/api/v1/releases/REL-1/transitions", body: #"{"to":"done"}"#, status: 400, field: "to"),
        Case(name: "stale If-Match", method: .patch, path: "/api/v1/releases/REL-1", body: #"{"title":"late"}"#, ifMatch: "\"7\"", status: 412, field: nil),
        Case(name: "foreign If-Match", method: .delete, path: "/api/v1/releases/REL-1", body: nil, ifMatch: "\"abc\"", status: 412, field: nil),
        Case(name: "PATCH making end before start", method: .patch, path: "/api/v1/releases/REL-1", body: #"{"plannedEnd":"2020-01-01T00:00:00Z"}"#, status: 422, field: "plannedEnd"),
        Case(name: "PATCH after the cutover started", method: .patch, path: "/api/v1/releases/REL-2", body: #"{"title":"rewrite history"}"#, status: 409, field: nil),
        Case(name: "DELETE outside draft", method: .delete, path: "/api/v1/releases/REL-2", body: nil, status: 409, field: nil),
        Case(name: "limit out of range", method: .get, path: "/api/v1/releases?limit=500", body: nil, status: 400, field: "limit"),
        Case(name: "limit not a number", method: .get, path: "/api/v1/releases?limit=ten", body: nil, status: 400, field: "limit"),
        Case(name: "unknown status filter", method: .get, path: "/api/v1/releases?status=lost", body: nil, status: 400, field: "status"),
        Case(name: "forged cursor", method: .get, path: "/api/v1/releases?cursor=Zm9vOmJhcg", body: nil, status: 400, field: "cursor"),
        Case(name: "duplicate environment", method: .post, path: "/api/v1/environments", body: Samples.production, status: 409, field: nil),
        Case(name: "environment name with a space", method: .post, path: "/api/v1/environments", body: #"{"name":"pre prod","kind":"test"}"#, status: 422, field: "name"),
        Case(name: "unknown path", method: .get, path: "/api/v1/nothing-here", body: nil, status: 404, field: nil),
    ]

    @Test("is refused with a problem naming the field, and nothing is written", arguments: TestEngine.available, cases)
    func refused(engine: TestEngine, input: Case) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            try await client.send(.post, "/api/v1/environments", json: Samples.production)
            try await client.send(.post, "/api/v1/releases", json: #"{"title":"Draft","version":"1.0.0","type":"minor","plannedStart":"2027-03-05T21:00:00Z","plannedEnd":"2027-03-05T23:00:00Z"}"#)
            try await client.send(.post, "/api/v1/releases", json: Samples.plannedRelease)
            for status in ["planned", "approved", "ready", "inProgress", "deployed"] {
                try await client.send(.post, "/api/v1/releases/REL-2/transitions", json: #"{"to":"\#(status)"}"#)
            }
            let before = try await client.send(.get, "/api/v1/releases?limit=200").text
            let environmentsBefore = try await client.send(.get, "/api/v1/environments").text
            let auditBefore = try await client.send(.get, "/api/v1/audit?limit=200").text
            var headers = HTTPFields()
            if let ifMatch = input.ifMatch { headers[.ifMatch] = ifMatch }
            // when
            let response = try await client.send(input.method, input.path, json: input.body, headers: headers)
            // then
            #expect(Int(response.status.code) == input.status, "\(response.text)")
            #expect(response.headers[.contentType] == "application/problem+json")
            let problem = try response.json()
            #expect(problem["status"] as? Int == input.status)
            #expect(problem["title"] is String)
            #expect((problem["detail"] as? String)?.isEmpty == false)
            if let field = input.field {
                #expect(try response.problemFields().contains(field), "\(response.text)")
            }
            #expect(try await client.send(.get, "/api/v1/releases?limit=200").text == before)
            #expect(try await client.send(.get, "/api/v1/environments").text == environmentsBefore)
            #expect(try await client.send(.get, "/api/v1/audit?limit=200").text == auditBefore)
            #expect(try await services.audit.verify().intactEvents != nil)
        }
    }

    @Test("a forbidden transition lists the allowed ones")
    func forbiddenListsAllowed() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            // given
            try await client.send(.post, "/api/v1/releases", json: Samples.release)
            // when
            let response = try await client.send(.post, "/api/v1/releases/REL-1/transitions", json: #"{"to":"deployed"}"#)
            // then
            #expect(response.status == .conflict)
            #expect(try response.json()["allowedTransitions"] as? [String] == ["planned", "cancelled"])
        }
    }
}
