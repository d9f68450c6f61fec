import BasculeCore
import BasculeServer
import BasculeTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Invariants held by the database under concurrency, and separation of duties.
@Suite("Races and separation of duties")
struct ConcurrencyAndDutiesTests {
    @Test("twenty approval requests at once leave one open round; none opens a second", arguments: TestEngine.available)
    func concurrentApprovalRequests(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            _ = try await ApprovalsAPITests.setUp(client, services)
            // when
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 1...20 {
                    group.addTask { Int(try await client.send(.post, "/api/v1/releases/REL-1/approvals/request").status.code) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // then
            let open = try await services.store.withConnection { db in
                try await db.raw("SELECT COUNT(*) AS n FROM approval_rounds WHERE status = 'open'").first()?.decode(column: "n", as: Int.self)
            }
            // A request made after another finished replaces its round; one made during it is refused.
            #expect(open == 1)
            #expect(statuses.contains(201))
            #expect(statuses.allSatisfy { $0 == 201 || $0 == 409 }, "\(statuses)")
            #expect(try await services.audit.verify().intactEvents != nil)
        }
    }

    @Test("twenty live-run starts at once begin one cutover; the others get 409", arguments: TestEngine.available)
    func concurrentLiveRuns(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            try await RunbookAPITests.ready(client, services)
            // when
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 1...20 {
                    group.addTask { Int(try await client.send(.post, "/api/v1/releases/REL-1/runs", json: #"{"kind":"live"}"#).status.code) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // then
            let live = try await services.runs.list(of: "REL-1").filter { $0.kind == .live }
            #expect(live.count == 1)
            #expect(statuses.filter { $0 == 201 }.count == 1)
            #expect(statuses.allSatisfy { $0 == 201 || $0 == 409 }, "\(statuses)")
        }
    }

    @Test("whoever requested the approval never counts towards the quorum, whatever roles they hold", arguments: TestEngine.available)
    func requesterMayNotApprove(engine: TestEngine) async throws {
        try await TestApp.with(engine, roles: [.releaseManager, .approver]) { client, services in
            // given
            _ = try await ApprovalsAPITests.setUp(client, services)
            try await client.send(.post, "/api/v1/releases/REL-1/approvals/request")
            // when
            let own = try await client.send(.post, "/api/v1/releases/REL-1/approvals/decisions", json: ApprovalsAPITests.approve)
            // then
            #expect(own.status == .conflict)
            #expect(own.text.contains("never counts towards its quorum"))
        }
    }

    @Test("the release's owner never approves it")
    func ownerMayNotApprove() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given a release owned by ana, who is an approver
            let (ana, _) = try await ApprovalsAPITests.setUp(client, services)
            try await client.send(.patch, "/api/v1/releases/REL-1", json: #"{"owner":"ana"}"#)
            try await client.send(.post, "/api/v1/releases/REL-1/approvals/request")
            // when
            let own = try await client.send(.post, "/api/v1/releases/REL-1/approvals/decisions", json: ApprovalsAPITests.approve, headers: ana)
            // then
            #expect(own.status == .conflict)
            #expect(own.text.contains("owns this release"))
        }
    }

    @Test("removing a rule from the policy does not let a release planned under it through; a rule added applies at once", arguments: TestEngine.available)
    func policyChangeDoesNotLoosenPlannedReleases(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given REL-1 planned under the sample policy (two approvers needed)
            _ = try await ApprovalsAPITests.setUp(client, services)
            let loosened = Samples.policy.replacingOccurrences(of: "count: 2", with: "count: 0")
            // when the approval rule is dropped, then the release is moved
            let pushed = try await client.send(.put, "/api/v1/policy", json: "timeZone: Europe/Paris\nrules: []\n", headers: [.contentType: "application/yaml"])
            let moved = try await client.send(.post, "/api/v1/releases/REL-1/transitions", json: #"{"to":"approved"}"#)
            // and a release planned after the change is judged by it alone
            try await client.send(.post, "/api/v1/releases", json: Samples.wednesdayRelease)
            try await client.send(.post, "/api/v1/releases/REL-2/transitions", json: #"{"to":"planned"}"#)
            let later = try await client.send(.post, "/api/v1/releases/REL-2/transitions", json: #"{"to":"approved"}"#)
            // then
            #expect(pushed.status == .ok, "\(pushed.text)")
            #expect(moved.status == .unprocessableContent)
            #expect(try moved.problemFields() == ["policy.cab"])
            #expect(moved.text.contains("in force when this release was planned"))
            #expect(later.status == .ok)
            _ = loosened
        }
    }

    @Test("a watcher that reconnects gets each missed action once, then the new ones")
    func replayOnce() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given a rehearsal with two actions already taken
            try await RunbookAPITests.ready(client, services)
            let run = try await services.runs.create(in: "REL-1", kind: .rehearsal)
            _ = try await services.runs.act(run.id.uuidString, .start("backup"))
            _ = try await services.runs.act(run.id.uuidString, .complete("backup"))
            // when a watcher comes back after the first
            let watched = try await services.runs.watch(run.id.uuidString, after: 1)
            _ = try await services.runs.act(run.id.uuidString, .start("stop"))
            var iterator = watched.events.makeAsyncIterator()
            let next = await iterator.next()
            // then
            #expect(watched.replay.map(\.sequence) == [2])
            #expect(watched.replay.last?.text.contains(#""steps":["#) == true)
            #expect(next?.sequence == 3)
        }
    }
}
