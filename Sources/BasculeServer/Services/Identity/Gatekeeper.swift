import BasculeCore
import BasculeStore
import Foundation

/// Checks, at the start of every use case, that the principal of the request may do it.
/// A refusal of a signed-in user is itself audited, in a transaction of its own since the
/// request's work will not happen.
struct Gatekeeper: Sendable {
    let store: Store
    let now: @Sendable () -> Date

    func require(_ permission: Permission, on target: String = "-") async throws {
        switch RequestOrigin.current.principal {
        case .system:
            return
        case .anonymous:
            throw ServiceError.unauthorized("sign in first: this needs credentials")
        case .agent(let name):
            throw ServiceError.forbidden("agent \(name) may only use the agent protocol (/api/v1/agent/…)")
        case .user(let identity):
            guard !identity.may(permission) else { return }
            let roles = PermissionTable.roles(holding: permission).map(\.rawValue).joined(separator: ", ")
            try await store.transaction { db in
                try await AuditLog.record(.permissionDenied, target: target, summary: "\(permission.rawValue) refused to \(identity.username)", at: now(), in: db)
            }
            throw ServiceError.forbidden("\(identity.username) may not do this (\(permission.rawValue)); it needs one of the roles: \(roles)")
        }
    }

    /// The signed-in user, for use cases about oneself (tokens).
    func currentUser() throws -> Identity {
        guard case .user(let identity) = RequestOrigin.current.principal else {
            throw ServiceError.unauthorized("sign in first: this needs credentials")
        }
        return identity
    }
}
