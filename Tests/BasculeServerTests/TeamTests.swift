import BasculeCore
import BasculeServer
import BasculeTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Teams")
struct TeamTests {
    @Test("a team is created with members, listed, and its members replaced", arguments: TestEngine.available)
    func lifecycle(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            for name in ["ana", "karim"] {
                _ = try await services.identity.createUser(username: name, roles: [.operator], password: TestApp.password)
            }
            // when
            let created = try await client.send(.post, "/api/v1/teams", json: #"{"name":"run-ops","members":["karim","ana"]}"#)
            let changed = try await client.send(.put, "/api/v1/teams/run-ops/members", json: #"{"members":["ana"]}"#)
            let listed = try await client.send(.get, "/api/v1/teams").json()
            // then
            #expect(created.status == .created)
            #expect(try created.json()["members"] as? [String] == ["ana", "karim"])
            #expect(try changed.json()["members"] as? [String] == ["ana"])
            let items = listed["items"] as? [[String: Any]] ?? []
            #expect(items.map { $0["name"] as? String } == ["run-ops"])
            let events = try await services.audit.list(.init(target: "team:run-ops")).items.map(\.entry.summary)
            #expect(events == ["members: ana, karim → ana", "created run-ops with ana, karim"])
        }
    }

    @Test("an unknown member refuses the whole request and writes nothing")
    func unknownMember() async throws {
        try await TestApp.with(.sqlite) { client, services in
            let response = try await client.send(.post, "/api/v1/teams", json: #"{"name":"ops","members":["ghost"]}"#)
            #expect(response.status == .unprocessableContent)
            #expect(try response.problemFields() == ["members"])
            #expect(try await services.teams.teams().isEmpty)
        }
    }

    @Test("two teams cannot share a name")
    func duplicate() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            try await client.send(.post, "/api/v1/teams", json: #"{"name":"ops"}"#)
            let again = try await client.send(.post, "/api/v1/teams", json: #"{"name":"ops"}"#)
            #expect(again.status == .conflict)
        }
    }
}
