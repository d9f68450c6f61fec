import BasculeCore
import BasculeStore
import Foundation
import SQLKit

/// The releases capability: each use case is one transaction that loads, applies a Core
/// rule and saves.
public struct ReleaseService: Sendable {
    let store: Store
    let now: @Sendable () -> Date
    let guards: [any TransitionGuard]
    let gate: Gatekeeper

    public init(store: Store, now: @escaping @Sendable () -> Date = Date.init, guards: [any TransitionGuard] = [RequiredFieldsGuard()]) {
        self.store = store
        self.now = millisecondClock(now)
        self.guards = guards
        self.gate = Gatekeeper(store: store, now: now)
    }

    public func create(_ input: ReleaseInput) async throws -> Release {
        try await gate.require(.releaseCreate)
        return try await refusing {
            try await store.transaction { db in
                let fields = try await Self.resolve(input, environments: EnvironmentRepository(db))
                let releases = ReleaseRepository(db)
                let release = Release(key: try await releases.nextKey(), fields: fields, createdAt: now())
                try await releases.insert(release)
                try await AuditLog.record(.releaseCreate, target: release.key.description, summary: ReleaseChangeSummary.created(release), at: release.createdAt, in: db)
                return release
            }
        }
    }

    public func get(_ key: String) async throws -> Release {
        try await gate.require(.releaseRead, on: key)
        return try await refusing {
            try await store.withConnection { db in try await Self.load(key, from: ReleaseRepository(db)) }
        }
    }

    public func list(_ query: ReleaseQuery, limit: Int? = nil, cursor: String? = nil) async throws -> Page<Release> {
        try await gate.require(.releaseRead)
        return try await refusing {
            let limit = try Paging.limit(limit)
            let after = try cursor.map { try PageCursor(token: $0) }
            if let from = query.from, let to = query.to, to <= from {
                throw ServiceError.badRequest([FieldError("to", "must be after from")])
            }
            if let text = query.text, text.count > 200 {
                throw ServiceError.badRequest([FieldError("q", "must be at most 200 characters")])
            }
            let (items, next) = try await store.withConnection { db in
                try await ReleaseRepository(db).page(query, limit: limit, after: after)
            }
            return Page(items: items, nextCursor: next?.token)
        }
    }

    /// A numbered page in the order asked, with how many match: the list page and its CSV.
    public func table(_ query: ReleaseQuery, sort: ReleaseSort = .window, descending: Bool = false, limit: Int, offset: Int = 0) async throws -> (items: [Release], total: Int) {
        try await gate.require(.releaseRead)
        return try await refusing {
            guard (1...ReleaseLimits.exportRows).contains(limit), offset >= 0 else {
                throw ServiceError.badRequest([FieldError("page", "is out of range")])
            }
            if let from = query.from, let to = query.to, to <= from {
                throw ServiceError.badRequest([FieldError("to", "must be after from")])
            }
            if let text = query.text, text.count > 200 {
                throw ServiceError.badRequest([FieldError("q", "must be at most 200 characters")])
            }
            return try await store.withConnection { db in
                try await ReleaseRepository(db).sorted(query, by: sort, descending: descending, limit: limit, offset: offset)
            }
        }
    }

    public func update(_ key: String, changes: ReleaseChanges, precondition: RevisionPrecondition? = nil) async throws -> Release {
        try await gate.require(.releaseEdit, on: key)
        return try await refusing {
            try await store.transaction { db in
                let releases = ReleaseRepository(db)
                let current = try await Self.load(key, from: releases)
                try Self.check(precondition, against: current)
                let fields = try await Self.resolve(changes.applied(to: current.fields), environments: EnvironmentRepository(db))
                let updated = try current.updating(with: fields, at: now())
                try await Self.save(updated, over: current, in: releases)
                try await AuditLog.record(.releaseUpdate, target: updated.key.description, summary: ReleaseChangeSummary.changes(from: current, to: updated), at: updated.updatedAt, in: db)
                if updated.fields.window != current.fields.window || updated.fields.environment != current.fields.environment {
                    var facts = Notices.moved(from: current.fields.window, to: updated.fields.window)
                    if updated.fields.environment != current.fields.environment { facts["fromEnvironment"] = current.fields.environment ?? "" }
                    try await Notices.record(try await Notices.about(updated, .releaseMoved, facts: facts, at: updated.updatedAt, in: db), in: db)
                }
                guard let reason = updated.scopeChange(from: current) else { return updated }
                return try await ApprovalVoiding.void(updated, because: reason, in: db, at: now())
            }
        }
    }

    /// Moves the release after the lifecycle, the guards and the release policy agree. A
    /// failing policy check is refused with every failure, unless `override` carries a reason and
    /// the person holds one of the policy's override roles; the override is kept and audited.
    public func transition(
        _ key: String, to target: ReleaseStatus, override: String? = nil, precondition: RevisionPrecondition? = nil
    ) async throws -> Release {
        try await gate.require(.releaseTransition, on: key)
        return try await refusing {
            try await store.transaction { [guards] db in
                let releases = ReleaseRepository(db)
                let current = try await Self.load(key, from: releases)
                try Self.check(precondition, against: current)
                let moved = try current.transitioned(to: target, at: now(), guards: guards)
                let gate = try await GateCheck.run(current, to: target, in: db, now: now(), graphs: store.dependencyGraphs)
                if !gate.check.passed {
                    try await Self.overrideGate(gate.check, of: current, reason: override, policy: gate.policy, in: db, at: moved.updatedAt)
                }
                try await Self.save(moved, over: current, in: releases)
                if ReleasePolicy.recordsFloor(movingTo: target, floorRecorded: gate.floorRecorded) {
                    try await releases.recordPlannedUnderPolicy(moved, version: gate.policy.version)
                }
                try await AuditLog.record(.releaseTransition, target: moved.key.description, summary: ReleaseChangeSummary.changes(from: current, to: moved), at: moved.updatedAt, in: db)
                try await Notices.record(try await Notices.about(moved, .releaseTransitioned, facts: ["from": current.status.rawValue, "to": target.rawValue],
                                                                 at: moved.updatedAt, in: db), in: db)
                if let opened = try await ReviewService.open(moved, by: RequestOrigin.current.actor, in: db, at: moved.updatedAt) {
                    try await AuditLog.record(opened.action, target: opened.target, summary: opened.summary, at: moved.updatedAt, in: db)
                }
                return moved
            }
        }
    }

    /// Refuses the move with the policy's failures, or records the override that lets it pass.
    static func overrideGate(_ check: PolicyCheck, of release: Release, reason: String?, policy: ReleasePolicy, in db: any SQLDatabase, at now: Date) async throws {
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard !reason.isEmpty else { throw ServiceError.invalid(check.fieldErrors) }
        guard reason.textLength <= 2_000 else { throw ServiceError.invalid([FieldError("override", "must be at most 2000 characters")]) }
        let origin = RequestOrigin.current
        guard !policy.overrideRoles.isDisjoint(with: origin.principal.roles) else {
            let roles = Role.allCases.filter(policy.overrideRoles.contains).map(\.rawValue).joined(separator: ", ")
            throw ServiceError.forbidden("\(origin.actor) may not override the release policy; the policy allows: \(roles)")
        }
        let rules = check.failures.map(\.rule)
        try await ApprovalRepository(db).insert(GateOverride(target: check.target, rules: rules, reason: reason, actor: origin.actor, at: now), for: release)
        try await AuditLog.record(.gateOverride, target: release.key.description,
                                  summary: "overrode \(rules.joined(separator: ", ")) to reach \(check.target.rawValue): \(reason)", at: now, in: db)
        try await Notices.record(try await Notices.about(release, .policyOverridden, facts: ["rules": rules.joined(separator: ", "), "to": check.target.rawValue, "reason": reason],
                                                         at: now, in: db), in: db)
    }

    public func delete(_ key: String, precondition: RevisionPrecondition? = nil) async throws {
        try await gate.require(.releaseDelete, on: key)
        try await refusing {
            try await store.transaction { db in
                let releases = ReleaseRepository(db)
                let current = try await Self.load(key, from: releases)
                try Self.check(precondition, against: current)
                try current.checkDeletable()
                guard try await releases.delete(current) else { throw ServiceError.stale(current: current.revision) }
                try await AuditLog.record(.releaseDelete, target: current.key.description, summary: "deleted the draft \"\(current.title)\" \(current.version)", at: now(), in: db)
            }
        }
    }

    // MARK: - Steps shared by the use cases

    static func load(_ key: String, from releases: ReleaseRepository) async throws -> Release {
        guard let parsed = ReleaseKey(key), let release = try await releases.find(parsed) else {
            throw ServiceError.notFound("release \(key)")
        }
        return release
    }

    static func check(_ precondition: RevisionPrecondition?, against release: Release) throws {
        if let precondition, !precondition.allows(release.revision) {
            throw ServiceError.stale(current: release.revision)
        }
    }

    static func save(_ release: Release, over current: Release, in releases: ReleaseRepository) async throws {
        guard try await releases.update(release, previousRevision: current.revision) else {
            throw ServiceError.stale(current: current.revision)
        }
    }

    /// Validates the fields and checks that the named environment exists, reporting every
    /// problem at once.
    static func resolve(_ input: ReleaseInput, environments: EnvironmentRepository) async throws -> ReleaseFields {
        var errors: [FieldError] = []
        var fields: ReleaseFields?
        do {
            fields = try input.validate()
        } catch {
            if case .invalid(let found) = error { errors = found } else { throw error }
        }
        let name = input.environment?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if !name.isEmpty, !errors.contains(where: { $0.field == "environment" }) {
            if try await environments.named(name) == nil {
                let known = try await environments.all().map(\.name)
                let hint = known.isEmpty ? "none is defined yet" : "known: " + known.joined(separator: ", ")
                errors.append(FieldError("environment", "no environment is named \(name) (\(hint))"))
            }
        }
        guard errors.isEmpty, let fields else { throw ServiceError.invalid(errors) }
        return fields
    }
}
