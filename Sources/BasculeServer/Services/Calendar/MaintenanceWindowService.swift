import BasculeCore
import BasculeStore
import Foundation

/// Maintenance windows, which the calendar shows and the conflict check holds releases to.
public struct MaintenanceWindowService: Sendable {
    let store: Store
    let now: @Sendable () -> Date
    let gate: Gatekeeper

    public init(store: Store, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.now = millisecondClock(now)
        self.gate = Gatekeeper(store: store, now: now)
    }

    public func list() async throws -> [MaintenanceWindow] {
        try await gate.require(.inventoryRead)
        return try await refusing { try await store.withConnection { db in try await MaintenanceWindowRepository(db).all() } }
    }

    public func get(_ id: String) async throws -> MaintenanceWindow {
        try await gate.require(.inventoryRead)
        return try await refusing { try await store.withConnection { db in try await Self.load(id, from: MaintenanceWindowRepository(db)) } }
    }

    public func create(_ input: MaintenanceWindowInput) async throws -> MaintenanceWindow {
        try await gate.require(.inventoryManage)
        return try await refusing {
            let window = try input.validate()
            return try await store.transaction { db in
                try await InventoryService.checkKnown(window.items, in: InventoryRepository(db), field: "items")
                try await MaintenanceWindowRepository(db).insert(window, at: now())
                try await AuditLog.record(.maintenanceCreate, target: "maintenance:\(window.id.uuidString.lowercased())",
                                          summary: "\"\(window.name)\": \(window.summary.en)", at: now(), in: db)
                return window
            }
        }
    }

    public func update(_ id: String, _ input: MaintenanceWindowInput, precondition: RevisionPrecondition? = nil) async throws -> MaintenanceWindow {
        try await gate.require(.inventoryManage)
        return try await refusing {
            try await store.transaction { db in
                let windows = MaintenanceWindowRepository(db)
                let current = try await Self.load(id, from: windows)
                if let precondition, !precondition.allows(current.revision) { throw ServiceError.stale(current: current.revision) }
                var updated = try input.validate(id: current.id)
                updated.revision = current.revision + 1
                try await InventoryService.checkKnown(updated.items, in: InventoryRepository(db), field: "items")
                guard try await windows.update(updated, previousRevision: current.revision, at: now()) else { throw ServiceError.stale(current: current.revision) }
                try await AuditLog.record(.maintenanceUpdate, target: "maintenance:\(current.id.uuidString.lowercased())",
                                          summary: "\"\(updated.name)\": \(updated.summary.en)", at: now(), in: db)
                return updated
            }
        }
    }

    public func delete(_ id: String, precondition: RevisionPrecondition? = nil) async throws {
        try await gate.require(.inventoryManage)
        try await refusing {
            try await store.transaction { db in
                let windows = MaintenanceWindowRepository(db)
                let current = try await Self.load(id, from: windows)
                if let precondition, !precondition.allows(current.revision) { throw ServiceError.stale(current: current.revision) }
                guard try await windows.delete(current) else { throw ServiceError.stale(current: current.revision) }
                try await AuditLog.record(.maintenanceDelete, target: "maintenance:\(current.id.uuidString.lowercased())",
                                          summary: "\"\(current.name)\" deleted", at: now(), in: db)
            }
        }
    }

    static func load(_ id: String, from windows: MaintenanceWindowRepository) async throws -> MaintenanceWindow {
        guard let parsed = UUID(uuidString: id), let window = try await windows.find(parsed) else { throw ServiceError.notFound("maintenance window \(id)") }
        return window
    }
}
