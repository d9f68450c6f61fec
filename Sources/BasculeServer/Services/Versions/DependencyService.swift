import BasculeCore
import BasculeStore
import Foundation
import SQLKit

/// Dependencies between releases: a release requires another to be deployed first, or goes
/// with it in the same window.
public struct DependencyService: Sendable {
    let store: Store
    let now: @Sendable () -> Date
    let gate: Gatekeeper

    public init(store: Store, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.now = millisecondClock(now)
        self.gate = Gatekeeper(store: store, now: now)
    }

    /// A release's dependencies in both directions, with each other release as it stands and
    /// what the plan does not honour.
    public struct View: Sendable {
        public let release: Release
        /// What this release depends on.
        public let requires: [ReleaseDependency]
        /// What depends on this release.
        public let requiredBy: [ReleaseDependency]
        public let others: [ReleaseKey: Release]
        public let problems: [DependencyRules.OrderProblem]
    }

    public func dependencies(of key: String) async throws -> View {
        try await gate.require(.releaseRead, on: key)
        return try await refusing {
            try await store.withConnection { db in
                let release = try await ReleaseService.load(key, from: ReleaseRepository(db))
                return try await Self.view(of: release, in: db)
            }
        }
    }

    static func view(of release: Release, in db: any SQLDatabase) async throws -> View {
        let touching = try await DependencyRepository(db).touching(release.key)
        let releases = ReleaseRepository(db)
        var others: [ReleaseKey: Release] = [release.key: release]
        for key in Set(touching.flatMap { [$0.release, $0.on] }) where others[key] == nil {
            others[key] = try await releases.find(key)
        }
        let standings = others.mapValues { DependencyRules.Standing(status: $0.status, window: $0.window) }
        return View(release: release, requires: touching.filter { $0.release == release.key }, requiredBy: touching.filter { $0.on == release.key },
                    others: others, problems: DependencyRules.orderProblems(touching, standings: standings))
    }

    /// `key` now depends on `other`. Refused: an unknown release (404), itself, a release that
    /// will not be deployed or a cycle (422, named), a pair already there (409).
    public func add(_ key: String, on other: String, kind: DependencyKind) async throws -> View {
        try await gate.require(.releaseEdit, on: key)
        return try await refusing {
            try await store.transaction { db in
                let releases = ReleaseRepository(db)
                let release = try await ReleaseService.load(key, from: releases)
                guard let otherKey = ReleaseKey(other), let target = try await releases.find(otherKey) else {
                    throw ServiceError.invalid([FieldError("release", "no release \(other)")])
                }
                let dependencies = DependencyRepository(db)
                let dependency = ReleaseDependency(release: release.key, on: target.key, kind: kind)
                try DependencyRules.validate(dependency, existing: try await dependencies.all(), target: target.status)
                do {
                    try await dependencies.insert(dependency, by: RequestOrigin.current.actor, at: now())
                } catch StoreError.duplicate(let what) {
                    throw ServiceError.conflict(what)
                }
                try await AuditLog.record(.dependencyAdd, target: release.key.description,
                                          summary: "\(release.key) \(kind == .requires ? "requires" : "goes with") \(target.key)", at: now(), in: db)
                return try await Self.view(of: release, in: db)
            }
        }
    }

    public func remove(_ key: String, on other: String) async throws -> View {
        try await gate.require(.releaseEdit, on: key)
        return try await refusing {
            try await store.transaction { db in
                let release = try await ReleaseService.load(key, from: ReleaseRepository(db))
                guard let otherKey = ReleaseKey(other), let removed = try await DependencyRepository(db).delete(release.key, on: otherKey) else {
                    throw ServiceError.notFound("dependency of \(key) on \(other)")
                }
                try await AuditLog.record(.dependencyRemove, target: release.key.description,
                                          summary: "\(release.key) no longer \(removed.kind == .requires ? "requires" : "goes with") \(otherKey)", at: now(), in: db)
                return try await Self.view(of: release, in: db)
            }
        }
    }
}
