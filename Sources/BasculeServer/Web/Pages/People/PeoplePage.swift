import BasculeCore
import Foundation

/// Users and teams: administrators create users, change their roles, disable them and reset
/// passwords; team managers set teams' members. Everyone who may read them sees them.
enum PeoplePage {
    struct RoleBox: Sendable {
        let value: String
        let label: String
        let checked: Bool
    }

    struct UserLine: Sendable {
        let username: String
        let displayName: String
        let email: String
        let roles: String
        let roleBoxes: [RoleBox]
        let disabled: Bool
        let status: String
    }

    struct TeamLine: Sendable {
        let name: String
        let members: String
    }

    struct Model: Sendable {
        let users: [UserLine]
        let showUsers: Bool
        let canManageUsers: Bool
        let teams: [TeamLine]
        let canManageTeams: Bool
        let newRoles: [RoleBox]
        /// A password made for someone, shown once after creating or resetting.
        let password: String?
        let passwordFor: String?
        let errors: [String]
    }

    static func model(users: [User]?, teams: [Team], canManageUsers: Bool, canManageTeams: Bool, password: (user: String, secret: String)?,
                      errors: [FieldError], _ words: Words) -> Model {
        Model(
            users: (users ?? []).map { user in
                UserLine(username: user.username, displayName: user.displayName, email: user.email,
                         roles: user.roles.sorted().map(words.label).joined(separator: ", "),
                         roleBoxes: Role.allCases.map { RoleBox(value: $0.rawValue, label: words.label($0), checked: user.roles.contains($0)) },
                         disabled: user.isDisabled, status: words.text(user.isDisabled ? "people_disabled" : "people_active"))
            },
            showUsers: users != nil, canManageUsers: canManageUsers,
            teams: teams.map { TeamLine(name: $0.name, members: $0.members.joined(separator: ", ")) },
            canManageTeams: canManageTeams,
            newRoles: Role.allCases.map { RoleBox(value: $0.rawValue, label: words.label($0), checked: $0 == .viewer) },
            password: password?.secret, passwordFor: password?.user, errors: errors.map(words.error))
    }

    static func roles(from fields: [String: String]) -> Set<Role> {
        Set(Role.allCases.filter { fields["role.\($0.rawValue)"] != nil })
    }
}
