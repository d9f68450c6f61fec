import BasculeCore
import BasculeStore
import Foundation

/// The changes (CHG-n) inside releases. Adding or removing one changes the release's scope:
/// approvals already given are voided.
public struct ChangeService: Sendable {
    let store: Store
    let now: @Sendable () -> Date
    let gate: Gatekeeper

    public init(store: Store, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.now = millisecondClock(now)
        self.gate = Gatekeeper(store: store, now: now)
    }

    public func list(of key: String) async throws -> [Change] {
        try await gate.require(.releaseRead, on: key)
        return try await refusing {
            try await store.withConnection { db in
                try await ChangeRepository(db).all(of: try await ReleaseService.load(key, from: ReleaseRepository(db)))
            }
        }
    }

    public func get(_ key: String) async throws -> Change {
        try await gate.require(.releaseRead, on: key)
        return try await refusing {
            try await store.withConnection { db in try await Self.load(key, from: ChangeRepository(db)) }
        }
    }

    public func create(in releaseKey: String, _ fields: ChangeFields) async throws -> Change {
        try await gate.require(.changeManage, on: releaseKey)
        return try await refusing {
            let valid = try fields.validated()
            return try await store.transaction { db in
                let release = try await ReleaseService.load(releaseKey, from: ReleaseRepository(db))
                try Self.checkOpen(release)
                try await InventoryService.checkKnown(valid.itemKeys, in: InventoryRepository(db), field: "items")
                let changes = ChangeRepository(db)
                let change = Change(key: try await changes.nextKey(), releaseKey: release.key, fields: valid,
                                    requestedBy: RequestOrigin.current.actor, createdAt: now())
                try await changes.insert(change, in: release)
                try await AuditLog.record(.changeCreate, target: change.key.description,
                                          summary: "added to \(release.key): \"\(valid.title)\" (\(valid.category.rawValue), \(valid.kind.rawValue), risk \(valid.risk.rawValue))", at: change.createdAt, in: db)
                _ = try await ApprovalVoiding.void(release, because: "\(change.key) was added", in: db, at: now())
                return change
            }
        }
    }

    /// Edits a change. Unlike adding or removing one, this stays open during the cutover: an
    /// operator marks a change implemented as it happens.
    public func update(_ key: String, _ fields: ChangeFields, precondition: RevisionPrecondition? = nil) async throws -> Change {
        try await gate.require(.changeManage, on: key)
        return try await refusing {
            let valid = try fields.validated()
            return try await store.transaction { db in
                let changes = ChangeRepository(db)
                let current = try await Self.load(key, from: changes)
                if let precondition, !precondition.allows(current.revision) { throw ServiceError.stale(current: current.revision) }
                try await InventoryService.checkKnown(valid.itemKeys, in: InventoryRepository(db), field: "items")
                var updated = current
                updated.fields = valid
                updated.updatedAt = max(now(), current.updatedAt)
                updated.revision += 1
                guard try await changes.update(updated, previousRevision: current.revision) else { throw ServiceError.stale(current: current.revision) }
                try await AuditLog.record(.changeUpdate, target: key.uppercased(), summary: "\"\(valid.title)\" status \(valid.status.rawValue), risk \(valid.risk.rawValue)", at: updated.updatedAt, in: db)
                if valid.items != current.fields.items {
                    // The items a release modifies are its scope, as much as its changes are.
                    let release = try await ReleaseService.load(current.releaseKey.description, from: ReleaseRepository(db))
                    try Self.checkOpen(release)
                    _ = try await ApprovalVoiding.void(release, because: "the items modified by \(current.key) changed", in: db, at: now())
                }
                return updated
            }
        }
    }

    public func delete(_ key: String, precondition: RevisionPrecondition? = nil) async throws {
        try await gate.require(.changeManage, on: key)
        try await refusing {
            try await store.transaction { db in
                let changes = ChangeRepository(db)
                let current = try await Self.load(key, from: changes)
                if let precondition, !precondition.allows(current.revision) { throw ServiceError.stale(current: current.revision) }
                let release = try await ReleaseService.load(current.releaseKey.description, from: ReleaseRepository(db))
                try Self.checkOpen(release)
                guard try await changes.delete(current) else { throw ServiceError.stale(current: current.revision) }
                try await AuditLog.record(.changeDelete, target: current.key.description, summary: "removed from \(release.key): \"\(current.fields.title)\"", at: now(), in: db)
                _ = try await ApprovalVoiding.void(release, because: "\(current.key) was removed", in: db, at: now())
            }
        }
    }

    static func load(_ key: String, from changes: ChangeRepository) async throws -> Change {
        guard let parsed = ChangeKey(key), let change = try await changes.find(parsed) else { throw ServiceError.notFound("change \(key)") }
        return change
    }

    /// Changes join or leave a release only while its plan is editable.
    static func checkOpen(_ release: Release) throws {
        guard release.status.isPlanEditable else {
            throw ServiceError.conflict("a release in \(release.status.rawValue) cannot be changed: its scope is frozen once the cutover has started")
        }
    }
}
