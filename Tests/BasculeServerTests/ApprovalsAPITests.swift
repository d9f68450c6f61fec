import BasculeCore
import BasculeServer
import BasculeTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Approval rounds through the API, with real approvers signed in.
@Suite("Approvals")
struct ApprovalsAPITests {
    /// A planned Wednesday production release under the sample policy, and two approvers.
    static func setUp(_ client: SignedInClient, _ services: BasculeServices) async throws -> (ana: HTTPFields, bob: HTTPFields) {
        try await client.send(.post, "/api/v1/environments", json: Samples.production)
        try await client.send(.put, "/api/v1/policy", json: Samples.policy, headers: [.contentType: "application/yaml"])
        try await client.send(.post, "/api/v1/releases", json: Samples.wednesdayRelease)
        try await client.send(.post, "/api/v1/releases/REL-1/transitions", json: #"{"to":"planned"}"#)
        var tokens: [String] = []
        for name in ["ana", "bob"] {
            _ = try await services.identity.createUser(username: name, roles: [.approver], password: TestApp.password)
            tokens.append(try await services.identity.createToken(name: "t", for: name).1)
        }
        return ([.authorization: "Bearer \(tokens[0])"], [.authorization: "Bearer \(tokens[1])"])
    }

    static let approve = #"{"decision":"approve","comment":"ok"}"#

    @Test("requesting approval lists the approvers the policy requires; the quorum opens the gate", arguments: TestEngine.available)
    func quorumOpensGate(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            let (ana, bob) = try await Self.setUp(client, services)
            // when
            let requested = try await client.send(.post, "/api/v1/releases/REL-1/approvals/request")
            let early = try await client.send(.post, "/api/v1/releases/REL-1/transitions", json: #"{"to":"approved"}"#)
            try await client.send(.post, "/api/v1/releases/REL-1/approvals/decisions", json: Self.approve, headers: ana)
            let last = try await client.send(.post, "/api/v1/releases/REL-1/approvals/decisions", json: Self.approve, headers: bob)
            let approved = try await client.send(.post, "/api/v1/releases/REL-1/transitions", json: #"{"to":"approved"}"#)
            // then
            #expect(requested.status == .created)
            let round = try #require(try requested.json()["round"] as? [String: Any])
            let requirement = try #require((round["requirements"] as? [[String: Any]])?.first)
            #expect(requirement["roles"] as? [String] == ["approver"])
            #expect(requirement["count"] as? Int == 2)
            #expect(early.status == .unprocessableContent)
            #expect(try early.problemFields() == ["policy.cab"])
            #expect((try last.json()["round"] as? [String: Any])?["approved"] as? Bool == true)
            #expect(approved.status == .ok)
            #expect(try await services.releases.get("REL-1").status == .approved)
        }
    }

    @Test("approving twice is refused with 409", arguments: TestEngine.available)
    func approvingTwice(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            let (ana, _) = try await Self.setUp(client, services)
            try await client.send(.post, "/api/v1/releases/REL-1/approvals/request")
            try await client.send(.post, "/api/v1/releases/REL-1/approvals/decisions", json: Self.approve, headers: ana)
            // when
            let again = try await client.send(.post, "/api/v1/releases/REL-1/approvals/decisions", json: Self.approve, headers: ana)
            // then
            #expect(again.status == .conflict)
            #expect(try again.json()["detail"] as? String == "ana has already decided on this release in this round")
        }
    }

    @Test("the requester of a change cannot approve its release", arguments: TestEngine.available)
    func ownChange(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            let (ana, _) = try await Self.setUp(client, services)
            _ = try await services.identity.updateUser("ana", roles: [.approver, .contributor])
            try await client.send(.post, "/api/v1/releases/REL-1/changes", json: #"{"title":"Fix rounding"}"#, headers: ana)
            try await client.send(.post, "/api/v1/releases/REL-1/approvals/request")
            // when
            let response = try await client.send(.post, "/api/v1/releases/REL-1/approvals/decisions", json: Self.approve, headers: ana)
            // then
            #expect(response.status == .conflict)
            #expect((try response.json()["detail"] as? String)?.contains("requested CHG-1") == true)
            let inbox = try await client.send(.get, "/api/v1/approvals/inbox", headers: ana).json()["items"] as? [Any]
            #expect(inbox?.isEmpty == true)
        }
    }

    @Test("approving a release that is not awaiting approval is refused with 409", arguments: TestEngine.available)
    func notAwaiting(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            let (ana, _) = try await Self.setUp(client, services)
            // when
            let response = try await client.send(.post, "/api/v1/releases/REL-1/approvals/decisions", json: Self.approve, headers: ana)
            // then
            #expect(response.status == .conflict)
            #expect(try await services.approvals.current(of: "REL-1") == nil)
        }
    }

    @Test("a rejection needs a comment", arguments: TestEngine.available)
    func rejectionNeedsComment(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            let (ana, _) = try await Self.setUp(client, services)
            try await client.send(.post, "/api/v1/releases/REL-1/approvals/request")
            // when
            let response = try await client.send(.post, "/api/v1/releases/REL-1/approvals/decisions", json: #"{"decision":"reject"}"#, headers: ana)
            // then
            #expect(response.status == .unprocessableContent)
            #expect(try response.problemFields() == ["comment"])
        }
    }

    @Test("moving the window after approval voids the approvals, says why and sends the release back to planned", arguments: TestEngine.available)
    func windowMoveVoids(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            let (ana, bob) = try await Self.setUp(client, services)
            try await client.send(.post, "/api/v1/releases/REL-1/approvals/request")
            try await client.send(.post, "/api/v1/releases/REL-1/approvals/decisions", json: Self.approve, headers: ana)
            try await client.send(.post, "/api/v1/releases/REL-1/approvals/decisions", json: Self.approve, headers: bob)
            try await client.send(.post, "/api/v1/releases/REL-1/transitions", json: #"{"to":"approved"}"#)
            // when
            let moved = try await client.send(.patch, "/api/v1/releases/REL-1", json: #"{"plannedStart":"2027-03-02T20:00:00Z","plannedEnd":"2027-03-02T22:00:00Z"}"#)
            // then
            #expect(try moved.json()["status"] as? String == "planned")
            let round = try #require(try await services.approvals.current(of: "REL-1"))
            #expect(round.status == .voided)
            #expect(round.voidReason == "the planned window moved")
            let events = try await services.audit.list(.init(target: "REL-1")).items
            #expect(events.first?.entry.summary == "approvals voided because the planned window moved; the release is back to planned")
        }
    }

    @Test("adding a change after approvals were given voids them", arguments: TestEngine.available)
    func changeAddedVoids(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            let (ana, _) = try await Self.setUp(client, services)
            try await client.send(.post, "/api/v1/releases/REL-1/approvals/request")
            try await client.send(.post, "/api/v1/releases/REL-1/approvals/decisions", json: Self.approve, headers: ana)
            // when
            try await client.send(.post, "/api/v1/releases/REL-1/changes", json: #"{"title":"Late fix","risk":"high"}"#)
            // then
            let round = try #require(try await services.approvals.current(of: "REL-1"))
            #expect(round.voidReason == "CHG-1 was added")
            let check = try await client.send(.get, "/api/v1/releases/REL-1/policy-check?to=approved").json()
            let cab = (check["outcomes"] as? [[String: Any]])?.last?["explanation"] as? [String: String]
            #expect(cab?["en"]?.contains("voided because CHG-1 was added") == true)
        }
    }

    @Test("the inbox lists the releases awaiting the approver and forgets them once decided", arguments: TestEngine.available)
    func inbox(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            let (ana, _) = try await Self.setUp(client, services)
            try await client.send(.post, "/api/v1/releases/REL-1/approvals/request")
            // when
            let before = try await client.send(.get, "/api/v1/approvals/inbox", headers: ana).json()["items"] as? [[String: Any]]
            try await client.send(.post, "/api/v1/releases/REL-1/approvals/decisions", json: Self.approve, headers: ana)
            let after = try await client.send(.get, "/api/v1/approvals/inbox", headers: ana).json()["items"] as? [[String: Any]]
            // then
            #expect((before?.first?["release"] as? [String: Any])?["key"] as? String == "REL-1")
            #expect(after?.isEmpty == true)
        }
    }

    @Test("an emergency release already ready still collects its approvals after the fact, from the inbox", arguments: TestEngine.available)
    func emergencyAfterTheFact(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            let (ana, _) = try await Self.setUp(client, services)
            try await client.send(.put, "/api/v1/policy", json: "emergency: {skips: [cab], approvalsWithinHours: 48}\n" + Samples.policy.replacingOccurrences(of: "timeZone: Europe/Paris\n", with: ""),
                                  headers: [.contentType: "application/yaml"])
            try await client.send(.patch, "/api/v1/releases/REL-1", json: #"{"type":"emergency"}"#)
            let ready = try await client.send(.post, "/api/v1/releases/REL-1/transitions", json: #"{"to":"ready"}"#)
            // when
            let requested = try await client.send(.post, "/api/v1/releases/REL-1/approvals/request")
            let inbox = try await client.send(.get, "/api/v1/approvals/inbox", headers: ana).json()["items"] as? [[String: Any]]
            let decided = try await client.send(.post, "/api/v1/releases/REL-1/approvals/decisions", json: Self.approve, headers: ana)
            // then
            #expect(ready.status == .ok)
            #expect(requested.status == .created)
            #expect((inbox?.first?["release"] as? [String: Any])?["key"] as? String == "REL-1")
            #expect(decided.status == .ok)
        }
    }
}
