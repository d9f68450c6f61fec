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
    /// A registered agent, on the agent protocol only: it holds no role.
    case agent(String)

    public var name: String {
        switch self {
        case .system: return "system"
        case .anonymous: return "anonymous"
        case .user(let identity): return identity.username
        case .agent(let name): return AgentActor.name(name)
        }
    }

    /// The roles the principal acts with: the system acts with every role, nobody else with none.
    public var roles: Set<Role> {
        switch self {
        case .system: return Set(Role.allCases)
        case .anonymous, .agent: return []
        case .user(let identity): return identity.roles
        }
    }
}
