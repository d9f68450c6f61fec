/// Everything a service may be asked to do, each checked against the permission table.
public enum Permission: String, Sendable, CaseIterable, Codable, Hashable {
    case releaseRead, releaseCreate, releaseEdit, releaseDelete, releaseTransition
    case environmentRead, environmentManage
    case auditRead
    case userRead, userManage
    case teamRead, teamManage
    /// Create, list and revoke one's own API tokens.
    case tokenOwn
}

/// Which role may do what. Written out once here and in docs/PERMISSIONS.md; a test walks
/// every API route with every role against it.
public enum PermissionTable {
    public static let grants: [Role: Set<Permission>] = [
        .admin: Set(Permission.allCases),
        .releaseManager: [
            .releaseRead, .releaseCreate, .releaseEdit, .releaseDelete, .releaseTransition,
            .environmentRead, .environmentManage, .auditRead, .userRead, .teamRead, .teamManage, .tokenOwn,
        ],
        .approver: [.releaseRead, .environmentRead, .auditRead, .userRead, .teamRead, .tokenOwn],
        .operator: [.releaseRead, .environmentRead, .teamRead, .tokenOwn],
        .contributor: [.releaseRead, .releaseCreate, .releaseEdit, .environmentRead, .teamRead, .tokenOwn],
        .viewer: [.releaseRead, .environmentRead, .teamRead, .tokenOwn],
    ]

    public static func allows(_ roles: Set<Role>, _ permission: Permission) -> Bool {
        roles.contains { grants[$0]?.contains(permission) == true }
    }

    /// The roles that hold `permission`, for messages and documentation.
    public static func roles(holding permission: Permission) -> [Role] {
        Role.allCases.filter { grants[$0]?.contains(permission) == true }
    }
}
