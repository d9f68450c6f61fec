import BasculeCore
import BasculeServer
import BasculeTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The text rule on every way text reaches the server: each refusal is a 400 naming where
/// the character is, nothing is stored, and the audit trail still verifies.
@Suite("Control characters in input")
struct InputTextAPITests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let method: HTTPRequest.Method
        let path: String
        let body: String?
        var contentType = "application/json"
        let field: String
        /// 400 where the request itself carries the character; 422 where a document's reader
        /// finds it once an escape is decoded, with its line.
        var status = 400

        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "NUL in a JSON title", method: .post, path: "/api/v1/releases", body: #"{"title":"\u0000","version":"1","type":"minor"}"#, field: "title"),
        Case(name: "NUL after text", method: .post, path: "/api/v1/releases", body: #"{"title":"Billing\u0000 4.2","version":"1","type":"minor"}"#, field: "title"),
        Case(name: "escape character in a nested field", method: .put, path: "/api/v1/releases/REL-1/plan",
             body: #"{"objectives":[{"statement":"\u001b[31mred","successCriterion":"x"}]}"#, field: "objectives[0].statement"),
        Case(name: "C1 control as raw UTF-8", method: .post, path: "/api/v1/releases", body: "{\"title\":\"a\u{85}b\",\"version\":\"1\",\"type\":\"minor\"}", field: "title"),
        Case(name: "NUL in a YAML runbook", method: .put, path: "/api/v1/releases/REL-1/runbook/yaml",
             body: "steps:\n  - {key: a, title: \"A\\0\", duration: 5m}\n", contentType: "application/yaml", field: "document", status: 422),
        Case(name: "raw control in a YAML body", method: .put, path: "/api/v1/releases/REL-1/runbook/yaml",
             body: "steps:\n  - {key: a, title: \"A\u{7}\", duration: 5m}\n", contentType: "application/yaml", field: "body"),
        Case(name: "NUL in a query parameter", method: .get, path: "/api/v1/releases?q=a%00b", body: nil, field: "q"),
        Case(name: "NUL in a path", method: .get, path: "/api/v1/releases/REL-1%00", body: nil, field: "path"),
        Case(name: "NUL in the username of an anonymous sign-in", method: .post, path: "/api/v1/login", body: #"{"username":"ad\u0000min","password":"x"}"#, field: "username"),
    ]

    @Test("is refused with 400 naming the field, nothing is stored and the trail verifies", arguments: TestEngine.available, cases)
    func refused(engine: TestEngine, input: Case) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            try await client.send(.post, "/api/v1/releases", json: Samples.release)
            let before = try await client.send(.get, "/api/v1/releases?limit=200").text
            // when
            let response = try await client.send(input.method, input.path, json: input.body, headers: [.contentType: input.contentType])
            // then
            #expect(Int(response.status.code) == input.status, "\(response.text)")
            #expect(response.headers[.contentType] == "application/problem+json")
            #expect(try response.problemFields() == [input.field], "\(response.text)")
            #expect(try await client.send(.get, "/api/v1/releases?limit=200").text == before)
            #expect(try await services.audit.verify().intactEvents != nil)
        }
    }

    @Test("a NUL in a static file's path is refused, not served under another type")
    func staticPath() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            // when
            let response = try await client.raw.send(.get, "/static/app.css%00.html")
            // then
            #expect(response.status == .badRequest)
            #expect(response.headers[.contentType]?.hasPrefix("text/css") != true)
        }
    }

    @Test("a NUL in a posted page form is refused before the page reads it")
    func pageForm() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // when
            let response = try await client.form("/releases", ["title": "a\u{0}b", "version": "1", "type": "minor"])
            // then
            #expect(response.status == .badRequest)
            #expect(try await services.releases.list(.init(text: ""), limit: 10).items.isEmpty)
        }
    }

    @Test("a title of one letter and 300 combining accents is over the limit", arguments: TestEngine.available)
    func combiningAccents(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // when
            let title = "e" + String(repeating: "\u{301}", count: 300)
            let response = try await client.send(.post, "/api/v1/releases", json: #"{"title":"\#(title)","version":"1","type":"minor"}"#)
            // then
            #expect(response.status == .unprocessableContent)
            #expect(try response.problemFields() == ["title"])
        }
    }

    @Test("text the rule allows is stored and read back exactly as sent", arguments: TestEngine.available)
    func storedAsSent(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given: tabs, line breaks and non-Latin text in a description
            let description = "Étape 1\tsauvegarde\r\nÉtape 2 — 部署 🙂"
            let body = try JSONSerialization.data(withJSONObject: ["title": "Paie 3.1", "version": "3.1", "type": "minor", "description": description])
            // when
            let created = try await client.send(.post, "/api/v1/releases", json: String(decoding: body, as: UTF8.self))
            let read = try await client.send(.get, "/api/v1/releases/REL-1").json()
            // then
            #expect(created.status == .created)
            #expect(read["description"] as? String == description)
        }
    }
}
