import BasculeCore
import BasculeStore
import BasculeTestSupport
import Foundation
import Testing

@Suite("Release repository")
struct ReleaseRepositoryTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    private func window(days: Double, hours: Double = 2) -> PlannedWindow? {
        PlannedWindow(start: Self.t0.addingTimeInterval(days * 86_400), end: Self.t0.addingTimeInterval(days * 86_400 + hours * 3600))
    }

    /// Stores a release with the next key, in its own transaction.
    @discardableResult
    private func insert(_ store: Store, title: String = "Release", window: PlannedWindow? = nil, environment: Environment? = nil,
                        status: ReleaseStatus = .draft, owner: String? = nil) async throws -> Release {
        try await store.transaction { db in
            let releases = ReleaseRepository(db)
            let fields = ReleaseFields(title: title, version: "1.0.0", type: .minor, window: window, environment: environment?.name,
                                       owner: owner, description: "**bold**", tags: ["api", "payroll"])
            let release = Release(key: try await releases.nextKey(), fields: fields, status: status, createdAt: Self.t0)
            try await releases.insert(release)
            return release
        }
    }

    private func environment(_ store: Store, _ name: String, order: Int = 10) async throws -> Environment {
        let environment = Environment(name: name, kind: .production, order: order)
        try await store.transaction { try await EnvironmentRepository($0).insert(environment, at: Self.t0) }
        return environment
    }

    @Test("tags with quotes, commas, slashes, escapes and accents are read back as stored", arguments: TestEngine.available)
    func awkwardTags(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // given
            let tags = [["a\",\"b", "x"], ["one,two", "é\u{1F680}"], ["path/to", "back\\slash"], ["tab\there"], ["solo"], []]
            for (index, list) in tags.enumerated() {
                try await store.transaction { db in
                    let releases = ReleaseRepository(db)
                    let fields = ReleaseFields(title: "Tags \(index)", version: "1.0.0", type: .minor, window: nil, environment: nil,
                                               owner: nil, description: "", tags: list)
                    try await releases.insert(Release(key: try await releases.nextKey(), fields: fields, status: .draft, createdAt: Self.t0))
                }
            }
            // when
            let read = try await store.withConnection { db in
                try await (1...tags.count).asyncMap { try await ReleaseRepository(db).find(ReleaseKey(number: $0))?.tags ?? ["missing"] }
            }
            // then
            #expect(read == tags)
        }
    }

    @Test("a release is read back exactly as it was stored", arguments: TestEngine.available)
    func roundTrip(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // given
            let production = try await environment(store, "production")
            let stored = try await insert(store, title: "Portal «3.0» — é", window: window(days: 2), environment: production, owner: "Léa")
            // when
            let read = try await store.withConnection { try await ReleaseRepository($0).find(stored.key) }
            // then
            #expect(read == stored)
        }
    }

    @Test("keys follow each other and are never reused after a delete", arguments: TestEngine.available)
    func keysNotReused(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // given
            let first = try await insert(store)
            let second = try await insert(store)
            _ = try await store.transaction { try await ReleaseRepository($0).delete(second) }
            // when
            let third = try await insert(store)
            // then
            #expect(first.key.number == 1)
            #expect(second.key.number == 2)
            #expect(third.key.number == 3)
        }
    }

    @Test("an update against a stale revision writes nothing", arguments: TestEngine.available)
    func staleUpdate(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // given
            let stored = try await insert(store, title: "Original")
            var changed = stored
            changed.title = "Changed"
            changed.revision = 3
            let attempt = changed
            // when
            let written = try await store.transaction { try await ReleaseRepository($0).update(attempt, previousRevision: 2) }
            // then
            #expect(!written)
            #expect(try await store.withConnection { try await ReleaseRepository($0).find(stored.key) }?.title == "Original")
        }
    }

    @Test("a failed transaction leaves nothing behind", arguments: TestEngine.available)
    func rollback(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // given
            struct Boom: Error {}
            // when
            await #expect(throws: Boom.self) {
                try await store.transaction { db in
                    let releases = ReleaseRepository(db)
                    let fields = ReleaseFields(title: "Half", version: "1", type: .patch)
                    try await releases.insert(Release(key: try await releases.nextKey(), fields: fields, createdAt: Self.t0))
                    throw Boom()
                }
            }
            // then
            #expect(try await store.withConnection { try await ReleaseRepository($0).count() } == 0)
            let next = try await insert(store)
            #expect(next.key.number == 1)
        }
    }

    @Test("the list runs by planned start, unplanned last, and pages without gaps or repeats", arguments: TestEngine.available)
    func orderingAndPaging(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // given
            try await insert(store, title: "unplanned A")
            try await insert(store, title: "day 3", window: window(days: 3))
            try await insert(store, title: "day 1", window: window(days: 1))
            try await insert(store, title: "unplanned B")
            try await insert(store, title: "day 1 again", window: window(days: 1))
            // when
            var titles: [String] = []
            var cursor: PageCursor?
            repeat {
                let after = cursor
                let page = try await store.withConnection { try await ReleaseRepository($0).page(ReleaseQuery(), limit: 2, after: after) }
                titles += page.items.map(\.title)
                cursor = try page.next.map { try PageCursor(token: $0.token) }
            } while cursor != nil
            // then
            #expect(titles == ["day 1", "day 1 again", "day 3", "unplanned A", "unplanned B"])
        }
    }

    @Test("filters by status, environment, window and text combine", arguments: TestEngine.available)
    func filters(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // given
            let production = try await environment(store, "production")
            let recette = try await environment(store, "recette", order: 5)
            try await insert(store, title: "Billing 50% faster", window: window(days: 1), environment: production, status: .planned)
            try await insert(store, title: "Billing 500 faster", window: window(days: 10), environment: production, status: .planned)
            try await insert(store, title: "Portal", window: window(days: 1), environment: recette, status: .draft, owner: "Ana")
            let repository = { (query: ReleaseQuery) in
                try await store.withConnection { try await ReleaseRepository($0).page(query, limit: 50, after: nil).items.map(\.title) }
            }
            // then
            #expect(try await repository(ReleaseQuery(statuses: [.planned])) == ["Billing 50% faster", "Billing 500 faster"])
            #expect(try await repository(ReleaseQuery(environment: "recette")) == ["Portal"])
            #expect(try await repository(ReleaseQuery(from: Self.t0.addingTimeInterval(5 * 86_400))) == ["Billing 500 faster"])
            #expect(try await repository(ReleaseQuery(to: Self.t0.addingTimeInterval(5 * 86_400))) == ["Billing 50% faster", "Portal"])
            #expect(try await repository(ReleaseQuery(text: "50%")) == ["Billing 50% faster"])
            #expect(try await repository(ReleaseQuery(text: "ana")) == ["Portal"])
            #expect(try await repository(ReleaseQuery(text: "rel-3")) == ["Portal"])
            #expect(try await repository(ReleaseQuery(statuses: [.planned], environment: "recette")).isEmpty)
        }
    }

    @Test("a cursor that was not given out is refused")
    func badCursor() {
        #expect(throws: StoreError.self) { try PageCursor(token: "not-a-cursor!") }
        #expect(throws: StoreError.self) { try PageCursor(token: "eDp5Ono") }
    }
}

@Suite("Environment repository")
struct EnvironmentRepositoryTests {
    @Test("two environments cannot share a name", arguments: TestEngine.available)
    func duplicateName(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // given
            try await store.transaction { try await EnvironmentRepository($0).insert(Environment(name: "production", kind: .production, order: 1), at: .now) }
            // when / then
            await #expect(throws: StoreError.self) {
                try await store.transaction { try await EnvironmentRepository($0).insert(Environment(name: "production", kind: .test, order: 2), at: .now) }
            }
            #expect(try await store.withConnection { try await EnvironmentRepository($0).all() }.count == 1)
        }
    }

    @Test("environments list in promotion order", arguments: TestEngine.available)
    func promotionOrder(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // given
            for (name, order) in [("production", 40), ("development", 10), ("recette", 20)] {
                try await store.transaction { try await EnvironmentRepository($0).insert(Environment(name: name, kind: .test, order: order), at: .now) }
            }
            // when
            let names = try await store.withConnection { try await EnvironmentRepository($0).all() }.map(\.name)
            // then
            #expect(names == ["development", "recette", "production"])
        }
    }
}

extension Sequence {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
