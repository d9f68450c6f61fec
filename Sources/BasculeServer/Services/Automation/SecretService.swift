import BasculeCore
import BasculeStore
import Foundation

/// Named secrets that automated steps refer to as `{{secret.NAME}}`: stored sealed, never
/// returned once set, opened only to hand them to the agent that runs a step using them.
public struct SecretService: Sendable {
    let store: Store
    let now: @Sendable () -> Date
    let gate: Gatekeeper
    let vault: SecretVault

    public static let longestValue = 8192

    public init(store: Store, now: @escaping @Sendable () -> Date = Date.init, vault: SecretVault) {
        self.store = store
        self.now = millisecondClock(now)
        self.gate = Gatekeeper(store: store, now: now)
        self.vault = vault
    }

    /// Sets a secret; true when it is new. The audit trail says who set it, never the value.
    @discardableResult
    public func set(_ name: String, value: String) async throws -> Bool {
        try await gate.require(.secretManage, on: "secret:\(name)")
        guard AgentRules.isName(name) else { throw ServiceError.invalid([FieldError("name", AgentRules.nameRule)]) }
        guard !value.isEmpty, value.utf8.count <= Self.longestValue else {
            throw ServiceError.invalid([FieldError("value", "must hold 1 to \(Self.longestValue) bytes")])
        }
        let sealed = try vault.seal(value, name: name)
        return try await store.transaction { db in
            let created = try await SecretRepository(db).put(name, sealed: sealed, by: RequestOrigin.current.actor, at: now())
            try await AuditLog.record(.secretSet, target: "secret:\(name)", summary: created ? "secret created" : "secret value replaced", at: now(), in: db)
            return created
        }
    }

    public func list() async throws -> [SecretEntry] {
        try await gate.require(.secretManage)
        return try await store.withConnection { try await SecretRepository($0).all() }
    }

    public func delete(_ name: String) async throws {
        try await gate.require(.secretManage, on: "secret:\(name)")
        try await store.transaction { db in
            guard try await SecretRepository(db).delete(name) else { throw ServiceError.notFound("secret \(name)") }
            try await AuditLog.record(.secretDelete, target: "secret:\(name)", summary: "secret deleted", at: now(), in: db)
        }
    }

    /// The values of `names`, opened; the names that are not secrets are left out.
    func values(_ names: Set<String>) async throws -> [String: String] {
        guard !names.isEmpty else { return [:] }
        let sealed = try await store.withConnection { try await SecretRepository($0).sealed(names) }
        var result: [String: String] = [:]
        for (name, text) in sealed { result[name] = try vault.open(text, name: name) }
        return result
    }
}
