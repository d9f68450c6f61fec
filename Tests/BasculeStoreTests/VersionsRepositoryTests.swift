import BasculeCore
import BasculeStore
import BasculeTestSupport
import Foundation
import Testing

@Suite("Commits and dependencies repositories")
struct VersionsRepositoryTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func release(_ store: Store) async throws -> ReleaseKey {
        try await store.transaction { db in
            let releases = ReleaseRepository(db)
            let release = Release(key: try await releases.nextKey(), fields: ReleaseFields(title: "Billing", version: "4.3.0", type: .minor),
                                  status: .draft, createdAt: Self.t0)
            try await releases.insert(release)
            return release.key
        }
    }

    static func commit(_ number: Int, _ message: String) -> (commit: ReleaseCommit, replacedBytes: Bool) {
        (ReleaseCommit(hash: String(format: "%040x", number), author: "Ana", email: "ana@example.com",
                       authoredAt: t0.addingTimeInterval(Double(number)), message: message), number == 3)
    }

    @Test("commits are kept in the order they came, once each, with their changes and sorting; a second import adds only the new ones", arguments: TestEngine.available)
    func commits(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // given 1,200 commits (more than one batch), then the last 10 again with 5 new ones
            let key = try await Self.release(store)
            let first = (1...1_200).map { Self.commit($0, $0 == 7 ? "feat: seven\n\nRefs: CHG-7" : "fix: number \($0)") }
            let again = (1_191...1_205).map { Self.commit($0, "fix: number \($0)") }
            // when
            let added = try await store.transaction { try await CommitRepository($0).add(first, to: key, at: Self.t0) }
            let addedAgain = try await store.transaction { try await CommitRepository($0).add(again, to: key, at: Self.t0) }
            let sorted = try await store.transaction { try await CommitRepository($0).sort(String(format: "%040x", 8), of: key, as: .omitted, by: "ana") }
            let (count, page, seventh, eighth) = try await store.withConnection { db in
                let commits = CommitRepository(db)
                return (try await commits.count(of: key), try await commits.list(of: key, limit: 3, offset: 1_200),
                        try await commits.find(String(format: "%040x", 7), of: key), try await commits.find(String(format: "%040x", 8), of: key))
            }
            // then
            #expect(added.count == 1_200 && addedAgain.count == 5 && count == 1_205)
            #expect(page.map(\.position) == [1_201, 1_202, 1_203] && page.first?.commit.subject == "fix: number 1201")
            #expect(seventh?.commit.changes == [ChangeKey(number: 7)] && seventh?.commit.message == "feat: seven\n\nRefs: CHG-7")
            #expect(seventh?.commit.authoredAt == Self.t0.addingTimeInterval(7) && seventh?.replacedBytes == false)
            #expect(sorted && eighth?.commit.sortedAs == .omitted && eighth?.sortedBy == "ana")
            let third = try await store.withConnection { try await CommitRepository($0).find(String(format: "%040x", 3), of: key) }
            #expect(third?.replacedBytes == true)
        }
    }

    @Test("a dependency is read from both ends, once per pair, and removed", arguments: TestEngine.available)
    func dependencies(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // given
            let (portal, api, schema) = (try await Self.release(store), try await Self.release(store), try await Self.release(store))
            try await store.transaction { db in
                try await DependencyRepository(db).insert(ReleaseDependency(release: portal, on: api, kind: .requires), by: "ana", at: Self.t0)
                try await DependencyRepository(db).insert(ReleaseDependency(release: api, on: schema, kind: .with), by: "ana", at: Self.t0)
            }
            // when
            let ofAPI = try await store.withConnection { try await DependencyRepository($0).touching(api) }
            let removed = try await store.transaction { try await DependencyRepository($0).delete(api, on: schema) }
            let all = try await store.withConnection { try await DependencyRepository($0).all() }
            // then
            #expect(ofAPI == [ReleaseDependency(release: portal, on: api, kind: .requires), ReleaseDependency(release: api, on: schema, kind: .with)])
            #expect(removed?.kind == .with && all.count == 1)
            await #expect(throws: StoreError.self) {
                try await store.transaction { try await DependencyRepository($0).insert(ReleaseDependency(release: portal, on: api, kind: .with), by: "ana", at: Self.t0) }
            }
        }
    }
}
