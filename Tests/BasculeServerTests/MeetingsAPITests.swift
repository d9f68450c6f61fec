import BasculeCore
import BasculeServer
import BasculeTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Meetings, the CAB's agenda and decisions, and action items through the API.
@Suite("Meetings and action items")
struct MeetingsAPITests {
    /// Two planned production releases awaiting the two approvals the sample policy asks for
    /// (REL-1 on Wednesday 3 March 2027, REL-2 on Tuesday 2 March), a third one a month later,
    /// and two approvers, ana and bob.
    static func awaitingApproval(_ client: SignedInClient, _ services: BasculeServices) async throws -> (ana: HTTPFields, bob: HTTPFields) {
        try await client.send(.post, "/api/v1/environments", json: Samples.production)
        try await client.send(.put, "/api/v1/policy", json: Samples.policy, headers: [.contentType: "application/yaml"])
        try await client.send(.post, "/api/v1/releases", json: Samples.wednesdayRelease)
        try await client.send(.post, "/api/v1/releases", json: Self.release("Portal 2.0", start: "2027-03-02T20:00:00Z"))
        try await client.send(.post, "/api/v1/releases", json: Self.release("Archive 1.1", start: "2027-03-30T19:00:00Z"))
        for key in ["REL-1", "REL-2", "REL-3"] {
            let planned = try await client.send(.post, "/api/v1/releases/\(key)/transitions", json: #"{"to":"planned"}"#)
            try #require(planned.status == .ok, "\(planned.text)")
            let requested = try await client.send(.post, "/api/v1/releases/\(key)/approvals/request")
            try #require(requested.status == .created, "\(requested.text)")
        }
        var tokens: [String] = []
        for name in ["ana", "bob"] {
            _ = try await services.identity.createUser(username: name, roles: [.approver], password: TestApp.password)
            tokens.append(try await services.identity.createToken(name: "t", for: name).1)
        }
        return ([.authorization: "Bearer \(tokens[0])"], [.authorization: "Bearer \(tokens[1])"])
    }

    static func release(_ title: String, start: String) -> String {
        let end = ISO8601DateFormatter().date(from: start)!.addingTimeInterval(7200).formatted(.iso8601)
        return #"{"title":"\#(title)","version":"1.0.0","type":"minor","plannedStart":"\#(start)","plannedEnd":"\#(end)","environment":"production"}"#
    }

    /// A CAB less than a week before REL-1 and REL-2, attended by ana.
    static let cab = #"{"kind":"cab","title":"CAB","start":"2027-02-25T13:00:00Z","end":"2027-02-25T14:00:00Z","place":"Room 4","attendees":["ana"]}"#

    @Test("a CAB's agenda lists the releases awaiting approval that cannot wait for the next one, earliest window first, with risk and time", arguments: TestEngine.available)
    func agenda(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            _ = try await Self.awaitingApproval(client, services)
            // when
            let created = try await client.send(.post, "/api/v1/meetings", json: Self.cab)
            // then
            #expect(created.status == .created, "\(created.text)")
            let agenda = try #require(try created.json()["agenda"] as? [[String: Any]])
            #expect(agenda.map { $0["release"] as? String } == ["REL-2", "REL-1"])
            #expect(agenda.allSatisfy { $0["proposed"] as? Bool == true && $0["riskStatus"] != nil && ($0["minutes"] as? Int ?? 0) >= 5 })
            #expect((agenda.first?["round"] as? [String: Any])?["approved"] as? Bool == false)
        }
    }

    @Test("an attending approver approves from the meeting: the decision is in the release's round and the minutes name who took it", arguments: TestEngine.available)
    func decisionIsTheApproval(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            let (ana, _) = try await Self.awaitingApproval(client, services)
            try await client.send(.post, "/api/v1/meetings", json: Self.cab)
            // when
            let decided = try await client.send(.post, "/api/v1/meetings/MTG-1/decisions", json: #"{"release":"REL-1","decision":"approve","comment":"fine"}"#,
                                                headers: ana)
            // then
            #expect(decided.status == .created, "\(decided.text)")
            let decisions = try #require(try decided.json()["decisions"] as? [[String: Any]])
            #expect(decisions.first?["approver"] as? String == "ana")
            #expect(decisions.first?["release"] as? String == "REL-1")
            let round = try await services.approvals.current(of: "REL-1")
            #expect(round?.decisions.map(\.approver) == ["ana"])
        }
    }

    @Test("a decision by someone who does not attend or is no approver is 403, on a release not on the agenda 422", arguments: TestEngine.available)
    func refusedDecisions(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            let (ana, bob) = try await Self.awaitingApproval(client, services)
            try await client.send(.post, "/api/v1/meetings", json: Self.cab)
            // when
            let stranger = try await client.send(.post, "/api/v1/meetings/MTG-1/decisions", json: #"{"release":"REL-1","decision":"approve"}"#, headers: bob)
            let manager = try await client.send(.post, "/api/v1/meetings/MTG-1/decisions", json: #"{"release":"REL-1","decision":"approve"}"#)
            let offAgenda = try await client.send(.post, "/api/v1/meetings/MTG-1/decisions", json: #"{"release":"REL-3","decision":"approve"}"#, headers: ana)
            // then
            #expect(stranger.status == .forbidden, "\(stranger.text)")
            #expect(manager.status == .forbidden, "\(manager.text)")
            #expect(offAgenda.status == .unprocessableContent, "\(offAgenda.text)")
            #expect(try offAgenda.problemFields() == ["release"])
            #expect(try await services.approvals.current(of: "REL-1")?.decisions.isEmpty == true)
        }
    }

    @Test("a meeting with no action and no statement that none was needed does not close; with an action it does and keeps its agenda", arguments: TestEngine.available)
    func closing(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            let (ana, _) = try await Self.awaitingApproval(client, services)
            try await client.send(.post, "/api/v1/meetings", json: Self.cab)
            try await client.send(.post, "/api/v1/meetings/MTG-1/decisions", json: #"{"release":"REL-2","decision":"approve"}"#, headers: ana)
            // when
            let refused = try await client.send(.post, "/api/v1/meetings/MTG-1/close", json: "{}")
            let action = try await client.send(.post, "/api/v1/actions",
                                               json: #"{"title":"Send the rollback plan","owner":"ana","dueAt":"2027-03-01T09:00:00Z","meeting":"MTG-1"}"#)
            let closed = try await client.send(.post, "/api/v1/meetings/MTG-1/close", json: "{}")
            let minutes = try await client.send(.put, "/api/v1/meetings/MTG-1/minutes", json: #"{"minutes":"late"}"#)
            // then
            #expect(refused.status == .conflict)
            #expect((try refused.json()["detail"] as? String)?.contains("noActionsReason") == true)
            #expect(action.status == .created, "\(action.text)")
            #expect(closed.status == .ok, "\(closed.text)")
            #expect((try closed.json()["meeting"] as? [String: Any])?["status"] as? String == "closed")
            let agenda = try #require(try closed.json()["agenda"] as? [[String: Any]])
            #expect(agenda.map { $0["release"] as? String } == ["REL-2", "REL-1"])
            #expect(minutes.status == .conflict)
        }
    }

    @Test("a meeting that ends before it starts and an attendee who does not exist are refused with the field; nothing is stored", arguments: TestEngine.available)
    func badMeetings(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // given
            let backwards = #"{"kind":"cab","title":"CAB","start":"2027-02-24T13:00:00Z","end":"2027-02-24T12:00:00Z"}"#
            let ghost = #"{"kind":"cab","title":"CAB","start":"2027-02-24T13:00:00Z","end":"2027-02-24T14:00:00Z","attendees":["nobody"]}"#
            // when
            let first = try await client.send(.post, "/api/v1/meetings", json: backwards)
            let second = try await client.send(.post, "/api/v1/meetings", json: ghost)
            let list = try await client.send(.get, "/api/v1/meetings?from=2027-01-01T00:00:00Z&to=2027-12-01T00:00:00Z")
            // then
            #expect(first.status == .unprocessableContent)
            #expect(try first.problemFields() == ["end"])
            #expect(second.status == .unprocessableContent)
            #expect((try second.json()["detail"] as? String)?.contains("nobody") == true)
            #expect(try list.jsonArray().isEmpty)
        }
    }

    @Test("a weekly CAB series writes its meetings eight weeks ahead at 14:00 in the policy's zone", arguments: TestEngine.available)
    func series(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            try await client.send(.put, "/api/v1/policy", json: Samples.policy, headers: [.contentType: "application/yaml"])
            // when
            let created = try await client.send(.post, "/api/v1/meeting-series",
                                                json: #"{"name":"CAB","weekday":"tuesday","time":"14:00","durationMinutes":60,"attendees":["admin"]}"#)
            let again = try await services.meetingSeries.keepAhead()
            // then
            #expect(created.status == .created, "\(created.text)")
            let meetings = try #require(try created.json()["meetings"] as? [[String: Any]])
            #expect(meetings.count == 8)
            var paris = Calendar(identifier: .gregorian)
            paris.timeZone = TimeZone(identifier: "Europe/Paris")!
            let starts = meetings.compactMap { ($0["start"] as? String).flatMap { try? Date($0, strategy: .iso8601) } }
            #expect(starts.allSatisfy { paris.component(.weekday, from: $0) == 3 && paris.component(.hour, from: $0) == 14 })
            #expect(again == 0)
        }
    }

    @Test("two replicas keeping a series ahead at once write each meeting once", arguments: TestEngine.available)
    func seriesKeptAheadOnce(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            let created = try await client.send(.post, "/api/v1/meeting-series", json: #"{"name":"CAB","weekday":"wed","time":"10:00","durationMinutes":30}"#)
            try #require(created.status == .created)
            try await services.store.execute(raw: "DELETE FROM meetings")
            // when
            async let first = services.meetingSeries.keepAhead()
            async let second = services.meetingSeries.keepAhead()
            let written = try await first + second
            // then
            let meetings = try await client.send(.get, "/api/v1/meetings?kind=cab").jsonArray()
            #expect(written == 8)
            #expect(meetings.count == 8)
        }
    }

    @Test("an action is due at the series' next meeting unless told otherwise, and once past due it shows as overdue among its owner's", arguments: TestEngine.available)
    func actionDueAtNextMeeting(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            try await client.send(.put, "/api/v1/policy", json: Samples.policy, headers: [.contentType: "application/yaml"])
            let series = try await client.send(.post, "/api/v1/meeting-series", json: #"{"name":"CAB","weekday":"tue","time":"14:00","durationMinutes":60}"#)
            let meetings = try #require(try series.json()["meetings"] as? [[String: Any]])
            // when
            let defaulted = try await client.send(.post, "/api/v1/actions", json: #"{"title":"Book the room","owner":"admin","meeting":"\#(meetings[0]["key"] as? String ?? "")"}"#)
            let late = try await client.send(.post, "/api/v1/actions", json: #"{"title":"Write the plan","owner":"admin","dueAt":"2020-01-01T00:00:00Z"}"#)
            let noOwner = try await client.send(.post, "/api/v1/actions", json: #"{"title":"Anyone","dueAt":"2027-01-01T00:00:00Z"}"#)
            let mine = try await client.send(.get, "/api/v1/actions?mine=true&overdue=true")
            // then
            #expect(try defaulted.json()["dueAt"] as? String == meetings[1]["start"] as? String)
            #expect(try late.json()["overdue"] as? Bool == true)
            #expect(noOwner.status == .unprocessableContent)
            #expect(try noOwner.problemFields() == ["owner"])
            #expect(try mine.jsonArray().compactMap { ($0 as? [String: Any])?["key"] as? String } == ["ACT-2"])
        }
    }

    @Test("the owner of an action marks it done but may not hand it to someone else", arguments: TestEngine.available)
    func ownerClosesOwnAction(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            _ = try await services.identity.createUser(username: "olga", roles: [.operator], password: TestApp.password)
            let olga: HTTPFields = [.authorization: "Bearer \(try await services.identity.createToken(name: "t", for: "olga").1)"]
            try await client.send(.post, "/api/v1/actions", json: #"{"title":"Check the backups","owner":"olga","dueAt":"2027-01-01T00:00:00Z"}"#)
            // when
            let done = try await client.send(.patch, "/api/v1/actions/ACT-1", json: #"{"status":"done"}"#, headers: olga)
            let handed = try await client.send(.patch, "/api/v1/actions/ACT-1", json: #"{"owner":"admin"}"#, headers: olga)
            // then
            #expect(done.status == .ok, "\(done.text)")
            #expect(try done.json()["status"] as? String == "done")
            #expect(handed.status == .forbidden)
        }
    }
}
