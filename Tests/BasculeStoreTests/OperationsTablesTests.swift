import BasculeStore
import BasculeTestSupport
import Foundation
import Testing

@Suite("Events and leased work")
struct OperationsTablesTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    private func append(_ store: Store, _ subject: String, _ kind: String, at: Date = t0) async throws -> Int64 {
        try await store.transaction { try await EventRepository($0).append(topic: "run", subject: subject, kind: kind, payload: "{}", at: at) }
    }

    @Test("events are read back after an id, in the order they were stored", arguments: TestEngine.available)
    func eventsInOrder(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // given
            let first = try await append(store, "a", "start")
            _ = try await append(store, "b", "start")
            _ = try await append(store, "a", "complete")
            // when
            let (all, ofA) = try await store.withConnection { db in
                (try await EventRepository(db).after(first), try await EventRepository(db).after(0, topic: "run", subject: "a"))
            }
            // then
            #expect(all.map(\.subject) == ["b", "a"])
            #expect(all.map(\.id) == all.map(\.id).sorted())
            #expect(ofA.map(\.kind) == ["start", "complete"])
        }
    }

    @Test("an event rolled back with its change is never seen", arguments: TestEngine.available)
    func rolledBack(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // given
            struct Refused: Error {}
            // when
            _ = try? await store.transaction { db -> Int in
                try await EventRepository(db).append(topic: "run", subject: "a", kind: "start", payload: "{}", at: Self.t0)
                throw Refused()
            }
            // then
            let latest = try await store.withConnection { try await EventRepository($0).latestID() }
            #expect(latest == 0)
        }
    }

    @Test("events older than the retention are purged, the newer kept", arguments: TestEngine.available)
    func purge(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // given
            _ = try await append(store, "a", "old", at: Self.t0)
            _ = try await append(store, "a", "new", at: Self.t0.addingTimeInterval(86_400))
            // when
            let purged = try await store.transaction { try await EventRepository($0).purge(before: Self.t0.addingTimeInterval(3600)) }
            // then
            #expect(purged == 1)
            let kept = try await store.withConnection { try await EventRepository($0).after(0) }
            #expect(kept.map(\.kind) == ["new"])
        }
    }

    @Test("leased work is not leased again before its deadline", arguments: TestEngine.available)
    func leaseHeld(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // given
            try await store.transaction { try await WorkRepository($0).schedule("purge", every: 3600, firstAt: Self.t0) }
            let first = try await store.transaction { try await WorkRepository($0).claim(as: "replica-a", at: Self.t0, for: 60) }
            // when
            let second = try await store.transaction { try await WorkRepository($0).claim(as: "replica-b", at: Self.t0.addingTimeInterval(30), for: 60) }
            // then
            #expect(first?.name == "purge")
            #expect(second == nil)
        }
    }

    @Test("work whose lease ran out goes to another replica, and the first one's late end is refused", arguments: TestEngine.available)
    func leaseLost(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // given a replica that leased the work and stopped answering
            try await store.transaction { try await WorkRepository($0).schedule("purge", every: 3600, firstAt: Self.t0) }
            let lost = try #require(try await store.transaction { try await WorkRepository($0).claim(as: "replica-a", at: Self.t0, for: 60) })
            // when another claims it after the deadline, then the first comes back
            let taken = try #require(try await store.transaction { try await WorkRepository($0).claim(as: "replica-b", at: Self.t0.addingTimeInterval(61), for: 60) })
            let lateEnd = try await store.transaction { try await WorkRepository($0).finish(lost, at: Self.t0.addingTimeInterval(62), error: nil) }
            let lateRenewal = try await store.transaction { try await WorkRepository($0).renew(lost, until: Self.t0.addingTimeInterval(200)) }
            let end = try await store.transaction { try await WorkRepository($0).finish(taken, at: Self.t0.addingTimeInterval(63), error: nil) }
            // then
            #expect(taken.fence > lost.fence)
            #expect(!lateEnd && !lateRenewal)
            #expect(end)
            let state = try #require(try await store.withConnection { try await WorkRepository($0).all() }.first)
            #expect(state.holder == nil)
            #expect(state.dueAt == Self.t0.addingTimeInterval(63 + 3600))
            #expect(state.runs == 2)
        }
    }

    @Test("replicas claiming at once each get different work, and none twice", arguments: TestEngine.available)
    func claimsAtOnce(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // given five pieces of work due
            for index in 1...5 {
                try await store.transaction { try await WorkRepository($0).schedule("work-\(index)", every: 3600, firstAt: Self.t0) }
            }
            // when twenty claimers ask at once
            let leases = try await withThrowingTaskGroup(of: WorkLease?.self) { group in
                for index in 1...20 {
                    group.addTask { try await store.transaction { try await WorkRepository($0).claim(as: "replica-\(index)", at: Self.t0, for: 60) } }
                }
                var leases: [WorkLease] = []
                for try await lease in group { if let lease { leases.append(lease) } }
                return leases
            }
            // then
            #expect(leases.count == 5)
            #expect(Set(leases.map(\.name)).count == 5)
        }
    }
}
