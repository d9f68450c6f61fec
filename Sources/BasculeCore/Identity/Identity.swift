import Foundation

/// A signed-in person as the services see them.
public struct Identity: Sendable, Equatable {
    public let userID: UUID
    public let username: String
    public let roles: Set<Role>

    public init(userID: UUID, username: String, roles: Set<Role>) {
        self.userID = userID
        self.username = username
        self.roles = roles
    }

    public func may(_ permission: Permission) -> Bool {
        PermissionTable.allows(roles, permission)
    }
}

/// Who a request acts for.
public enum Principal: Sendable, Equatable {
    /// Work the server does on its own: migrations, the demo portfolio, local admin commands.
    case system
    /// A request without valid credentials.
    case anonymous
    case user(Identity)

    public var name: String {
        switch self {
        case .system: return "system"
        case .anonymous: return "anonymous"
        case .user(let identity): return identity.username
        }
    }
}
