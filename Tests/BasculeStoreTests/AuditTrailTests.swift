import BasculeCore
import BasculeStore
import BasculeTestSupport
import Foundation
import Testing

@Suite("Audit trail")
struct AuditTrailTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// Appends `count` events, each in its own transaction.
    private func append(_ store: Store, count: Int, actor: String = "claire") async throws {
        for index in 1...count {
            _ = try await store.transaction { db in
                try await AuditRepository(db).append(
                    AuditEntry(actor: actor, action: .releaseUpdate, target: "REL-\(index)", summary: "title: \"a\" → \"b \(index)\""),
                    at: Self.t0.addingTimeInterval(Double(index)), requestID: "req-\(index)", clientAddress: "10.0.0.\(index)")
            }
        }
    }

    private func verify(_ store: Store) async throws -> AuditVerification {
        try await store.withConnection { try await AuditRepository($0).verify() }
    }

    @Test("an untouched trail is intact", arguments: TestEngine.available)
    func intact(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // given
            try await append(store, count: 5)
            // when / then
            #expect(try await verify(store).intactEvents == 5)
        }
    }

    @Test("an empty trail is intact", arguments: TestEngine.available)
    func empty(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            let outcome = try await verify(store)
            #expect(outcome.intactEvents == 0)
        }
    }

    @Test("an altered event is named", arguments: TestEngine.available)
    func altered(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // given
            try await append(store, count: 5)
            // when
            try await store.execute(raw: "UPDATE audit_events SET summary = 'nothing happened' WHERE sequence = 3")
            // then
            let breaks = try await verify(store).breaks
            #expect(breaks.map(\.sequence) == [3])
            #expect(breaks.first?.reason.contains("changed") == true)
        }
    }

    @Test("an altered actor or time is named too", arguments: TestEngine.available)
    func alteredActor(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // given
            try await append(store, count: 3)
            // when
            try await store.execute(raw: "UPDATE audit_events SET actor = 'someone else', at = at + 1000 WHERE sequence = 2")
            // then
            #expect(try await verify(store).brokenAt == 2)
        }
    }

    @Test("a removed event is named", arguments: TestEngine.available)
    func removed(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // given
            try await append(store, count: 5)
            // when
            try await store.execute(raw: "DELETE FROM audit_events WHERE sequence = 2")
            // then
            let breaks = try await verify(store).breaks
            #expect(breaks.map(\.sequence) == [2])
            #expect(breaks.first?.reason.contains("missing") == true)
        }
    }

    @Test("removing the newest events is found through the head", arguments: TestEngine.available)
    func removedAtEnd(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // given
            try await append(store, count: 5)
            // when
            try await store.execute(raw: "DELETE FROM audit_events WHERE sequence >= 4")
            // then
            #expect(try await verify(store).brokenAt == 4)
        }
    }

    @Test("an inserted event is named", arguments: TestEngine.available)
    func inserted(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // given
            try await append(store, count: 3)
            // when: renumber to make room, then slip a forged event in at 2
            try await store.execute(raw: "UPDATE audit_events SET sequence = sequence + 10 WHERE sequence >= 2")
            try await store.execute(raw: "UPDATE audit_events SET sequence = sequence - 9 WHERE sequence >= 12")
            try await store.execute(raw: """
                INSERT INTO audit_events (sequence, at, actor, action, target, summary, request_id, client_address, previous_hash, hash)
                SELECT 2, at, 'mallory', 'release.delete', 'REL-9', 'deleted the draft', NULL, NULL, hash, hash FROM audit_events WHERE sequence = 1
                """)
            // then
            #expect(try await verify(store).brokenAt == 2)
        }
    }

    @Test("concurrent writers still make one unbroken chain", arguments: TestEngine.available)
    func concurrentAppends(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // when
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 1...8 {
                    group.addTask { try await append(store, count: 5, actor: "writer-\(writer)") }
                }
                try await group.waitForAll()
            }
            // then
            #expect(try await verify(store).intactEvents == 40)
        }
    }

    @Test("the trail filters by target and actor, newest first, in pages", arguments: TestEngine.available)
    func filters(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // given
            try await append(store, count: 3, actor: "claire")
            try await append(store, count: 2, actor: "karim")
            // when
            let karim = try await store.withConnection { try await AuditRepository($0).page(AuditQuery(actor: "karim"), limit: 10, before: nil) }
            let rel1 = try await store.withConnection { try await AuditRepository($0).page(AuditQuery(target: "REL-1"), limit: 1, before: nil) }
            let rel1Next = try await store.withConnection { try await AuditRepository($0).page(AuditQuery(target: "REL-1"), limit: 1, before: rel1.next) }
            // then
            #expect(karim.items.map(\.sequence) == [5, 4])
            #expect(rel1.items.map(\.sequence) == [4])
            #expect(rel1Next.items.map(\.sequence) == [1])
            #expect(rel1Next.next == nil)
        }
    }
}

extension AuditVerification {
    var brokenAt: Int? {
        breaks.first?.sequence
    }
}

@Suite("Audit trail: every break")
struct AuditTrailBreaksTests {
    func append(_ store: Store, count: Int) async throws {
        for index in 1...count {
            try await store.transaction { db in
                _ = try await AuditRepository(db).append(
                    AuditEntry(actor: "claire", action: .releaseUpdate, target: "REL-\(index)", summary: "changed \(index)"),
                    at: Date(timeIntervalSince1970: 1_800_000_000 + Double(index)), requestID: nil, clientAddress: nil)
            }
        }
    }

    @Test("two events changed far apart are both named, and nothing between them", arguments: TestEngine.available)
    func twoChanges(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // given
            try await append(store, count: 8)
            // when
            try await store.execute(raw: "UPDATE audit_events SET summary = 'nothing' WHERE sequence IN (2, 6)")
            // then
            let breaks = try await store.withConnection { try await AuditRepository($0).verify() }.breaks
            #expect(breaks.map(\.sequence) == [2, 6])
        }
    }

    @Test("a NUL slipped after a stored summary is found, though the driver reads up to it")
    func hiddenNul() async throws {
        // SQLite only: PostgreSQL refuses a NUL in text outright.
        try await TestDatabase.with(.sqlite) { store in
            // given
            try await append(store, count: 3)
            // when
            try await store.execute(raw: "UPDATE audit_events SET summary = summary || char(0) || 'hidden' WHERE sequence = 2")
            // then
            let breaks = try await store.withConnection { try await AuditRepository($0).verify() }.breaks
            #expect(breaks.map(\.sequence) == [2])
        }
    }
}
