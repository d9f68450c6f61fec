/// Everything a service may be asked to do, each checked against the permission table.
public enum Permission: String, Sendable, CaseIterable, Codable, Hashable {
    case releaseRead, releaseCreate, releaseEdit, releaseDelete, releaseTransition
    case environmentRead, environmentManage
    case auditRead
    /// Edit a release's plan and its documents (release notes, rollback plan).
    case planEdit
    /// Add, edit and remove the changes of a release.
    case changeManage
    /// Record test campaigns, by hand or from JUnit reports.
    case testRecord
    case policyRead, policyManage
    case approvalRequest, approvalDecide
    /// Read configuration items, impacts, maintenance windows.
    case inventoryRead
    /// Create, edit, import and delete configuration items and maintenance windows.
    case inventoryManage
    /// Write a release's runbook and the runbook templates.
    case runbookEdit
    /// Start runs and act on their steps: start, complete, fail, skip, note, go/no-go, roll back.
    case runExecute
    /// Decide a go/no-go and roll back in the live run: the cutover's calls belong to those
    /// who answer for the release, not to whoever executes its steps.
    case runDecide
    case userRead, userManage
    case teamRead, teamManage
    /// Create, list and revoke one's own API tokens.
    case tokenOwn
    /// See the agents, their state and the attempts they made.
    case agentRead
    /// Make registration tokens; disable, enable and revoke agents.
    case agentManage
    /// Set, list and delete the secrets automated steps use (never read their values).
    case secretManage
    /// One's own inbox, subscriptions and notification settings.
    case notificationsOwn
    /// Add, change and remove webhook endpoints; read their deliveries and replay them.
    case webhookManage
    /// Choose what the public status page announces.
    case statusManage
    /// Read incidents, their attributions, the indicators and the reports.
    case incidentRead
    /// Record, import and update incidents.
    case incidentRecord
    /// Confirm or reject that a release caused an incident.
    case incidentAttribute
    /// Allow a monitoring or ITSM tool to send incidents, with a token of its own.
    case incidentSourceManage
    /// See meetings, their agenda, minutes and actions.
    case meetingRead
    /// Plan meetings and series, keep their agenda and minutes, close them.
    case meetingManage
    /// Hand out action items and edit anyone's (an owner may always close their own).
    case actionManage
}

/// Which role may do what. Written out once here and in docs/PERMISSIONS.md; a test walks
/// every API route with every role against it.
public enum PermissionTable {
    public static let grants: [Role: Set<Permission>] = [
        .admin: Set(Permission.allCases),
        .releaseManager: [
            .releaseRead, .releaseCreate, .releaseEdit, .releaseDelete, .releaseTransition,
            .environmentRead, .environmentManage, .auditRead, .userRead, .teamRead, .teamManage, .tokenOwn,
            .planEdit, .changeManage, .testRecord, .policyRead, .policyManage, .approvalRequest, .inventoryRead, .inventoryManage,
            .runbookEdit, .runExecute, .runDecide, .agentRead, .notificationsOwn, .webhookManage, .statusManage,
            .incidentRead, .incidentRecord, .incidentAttribute, .meetingRead, .meetingManage, .actionManage,
        ],
        .approver: [.releaseRead, .environmentRead, .auditRead, .userRead, .teamRead, .tokenOwn, .policyRead, .approvalDecide, .inventoryRead, .notificationsOwn, .incidentRead,
                    .meetingRead],
        .operator: [.releaseRead, .environmentRead, .teamRead, .tokenOwn, .policyRead, .testRecord, .inventoryRead, .runExecute, .agentRead, .notificationsOwn, .incidentRead,
                    .incidentRecord, .meetingRead],
        .contributor: [
            .releaseRead, .releaseCreate, .releaseEdit, .environmentRead, .teamRead, .tokenOwn,
            .planEdit, .changeManage, .testRecord, .policyRead, .inventoryRead, .runbookEdit, .notificationsOwn, .incidentRead, .meetingRead,
        ],
        .viewer: [.releaseRead, .environmentRead, .teamRead, .tokenOwn, .policyRead, .inventoryRead, .notificationsOwn, .incidentRead, .meetingRead],
    ]

    public static func allows(_ roles: Set<Role>, _ permission: Permission) -> Bool {
        roles.contains { grants[$0]?.contains(permission) == true }
    }

    /// The roles that hold `permission`, for messages and documentation.
    public static func roles(holding permission: Permission) -> [Role] {
        Role.allCases.filter { grants[$0]?.contains(permission) == true }
    }
}
