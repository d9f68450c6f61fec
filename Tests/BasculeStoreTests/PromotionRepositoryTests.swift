import BasculeCore
import BasculeStore
import BasculeTestSupport
import Foundation
import Testing

@Suite("Promotion repositories")
struct PromotionRepositoryTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("deployments to environments are read back newest first, with their run and note", arguments: TestEngine.available)
    func deployments(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // given
            let key = try await VersionsRepositoryTests.release(store)
            let run = UUID()
            let first = EnvironmentDeployment(release: key, environment: "recette", outcome: .failed, at: Self.t0, run: nil, recordedBy: "ops",
                                              note: "schema lock")
            let second = EnvironmentDeployment(release: key, environment: "recette", outcome: .deployed, at: Self.t0.addingTimeInterval(3600), run: run,
                                               recordedBy: "ops")
            // when
            try await store.transaction { db in
                try await EnvironmentDeploymentRepository(db).insert(first, at: Self.t0)
                try await EnvironmentDeploymentRepository(db).insert(second, at: Self.t0)
            }
            let read = try await store.withConnection { try await EnvironmentDeploymentRepository($0).all(of: key) }
            // then
            #expect(read == [second, first])
        }
    }

    @Test("an environment keeps what it mirrors and when it was refreshed", arguments: TestEngine.available)
    func mirrors(engine: TestEngine) async throws {
        try await TestDatabase.with(engine) { store in
            // given
            try await store.transaction { db in
                try await EnvironmentRepository(db).insert(Environment(name: "preprod-b", kind: .preproduction, order: 500), at: Self.t0)
            }
            // when
            try await store.transaction { db in
                try await EnvironmentRepository(db).setMirror(of: "preprod-b", to: "production")
                try await EnvironmentRepository(db).refreshed("preprod-b", at: Self.t0)
            }
            let read = try await store.withConnection { try await EnvironmentRepository($0).named("preprod-b") }
            // then
            #expect(read?.mirrors == "production" && read?.refreshedAt == Self.t0)
        }
    }
}
