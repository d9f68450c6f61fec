import ArgumentParser
import BasculeCore
import BasculeServer
import BasculeStore
import Foundation

/// Local admin commands: they open the database directly, like `migrate`, and act as `system`.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage users (opens the database directly).",
        subcommands: [Create.self, List.self, Disable.self, Enable.self, ResetPassword.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user; the password is generated and printed once unless given.")
        @OptionGroup var storeOptions: StoreOptions
        @Argument(help: "Username: lower-case letters, digits, '.', '-', '_'.") var username: String
        @Option(name: .customLong("role"), help: "A role (repeat): admin, releaseManager, approver, operator, contributor, viewer.")
        var roles: [String] = []
        @Option(help: "Display name.") var displayName: String = ""
        @Option(help: "E-mail address.") var email: String = ""
        @Flag(help: "Read the password from standard input instead of generating one.") var passwordStdin = false

        func run() async throws {
            let roleSet = try LocalAdmin.roles(roles)
            let password = try PasswordInput.read(fromStandardInput: passwordStdin)
            let (user, generated) = try await LocalAdmin.run(storeOptions) { services in
                try await services.identity.createUser(username: username, displayName: displayName, email: email, roles: roleSet, password: password)
            }
            print("created \(user.username) (\(user.roles.sorted().map(\.rawValue).joined(separator: ", ")))")
            if let generated { print("password: \(generated)   (shown only now)") }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users.")
        @OptionGroup var storeOptions: StoreOptions

        func run() async throws {
            let users = try await LocalAdmin.run(storeOptions) { try await $0.identity.users() }
            print(TextTable.render(["USERNAME", "NAME", "ROLES", "STATE"], users.map {
                [$0.username, $0.displayName, $0.roles.sorted().map(\.rawValue).joined(separator: ","), $0.isDisabled ? "disabled" : "active"]
            }))
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a user: sessions end; tokens and the calendar feed are revoked for good.")
        @OptionGroup var storeOptions: StoreOptions
        @Argument var username: String

        func run() async throws {
            try await LocalAdmin.setDisabled(true, username, storeOptions)
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled user again.")
        @OptionGroup var storeOptions: StoreOptions
        @Argument var username: String

        func run() async throws {
            try await LocalAdmin.setDisabled(false, username, storeOptions)
        }
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-password", abstract: "Set a new password (generated and printed once unless given); sessions end and tokens are revoked.")
        @OptionGroup var storeOptions: StoreOptions
        @Argument var username: String
        @Flag(help: "Read the new password from standard input instead of generating one.") var passwordStdin = false

        func run() async throws {
            let password = try PasswordInput.read(fromStandardInput: passwordStdin)
            let generated = try await LocalAdmin.run(storeOptions) { try await $0.identity.resetPassword(username, to: password) }
            print("password of \(username.lowercased()) reset" + (generated.map { "; new password: \($0)   (shown only now)" } ?? ""))
        }
    }
}

struct TeamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "team", abstract: "Manage teams (opens the database directly).", subcommands: [Create.self, List.self, SetMembers.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a team.")
        @OptionGroup var storeOptions: StoreOptions
        @Argument(help: "Team name: letters, digits, '.', '-', '_'.") var name: String
        @Option(name: .customLong("member"), help: "A member's username (repeat).") var members: [String] = []

        func run() async throws {
            let team = try await LocalAdmin.run(storeOptions) { try await $0.teams.create(name: name, members: members) }
            print("created team \(team.name) (\(team.members.isEmpty ? "no member" : team.members.joined(separator: ", ")))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List teams and their members.")
        @OptionGroup var storeOptions: StoreOptions

        func run() async throws {
            let teams = try await LocalAdmin.run(storeOptions) { try await $0.teams.teams() }
            print(TextTable.render(["TEAM", "MEMBERS"], teams.map { [$0.name, $0.members.joined(separator: ", ")] }))
        }
    }

    struct SetMembers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-members", abstract: "Replace the members of a team.")
        @OptionGroup var storeOptions: StoreOptions
        @Argument var name: String
        @Option(name: .customLong("member"), help: "A member's username (repeat).") var members: [String] = []

        func run() async throws {
            let team = try await LocalAdmin.run(storeOptions) { try await $0.teams.setMembers(of: name, to: members).team }
            print("team \(team.name): \(team.members.isEmpty ? "no member" : team.members.joined(separator: ", "))")
        }
    }
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Manage API tokens (opens the database directly).", subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an API token for a user and print it once.")
        @OptionGroup var storeOptions: StoreOptions
        @Option(help: "Whose token.") var user: String
        @Option(help: "A label, to tell tokens apart.") var name: String
        @Option(help: "Lifetime, such as 30d or 48h (default: no expiry).") var expires: String?

        func run() async throws {
            let days = try expires.map(LifetimeArgument.days)
            let (token, secret) = try await LocalAdmin.run(storeOptions) { try await $0.identity.createToken(name: name, lifetimeDays: days, for: user) }
            print(secret)
            let expiry = token.expiresAt.map { " expires \($0.formatted(Date.ISO8601FormatStyle()))" } ?? ""
            FileHandle.standardError.write(Data("token \(token.name) for \(user.lowercased()) (\(token.prefix)…)\(expiry); shown only now\n".utf8))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a user's API tokens (never their secrets).")
        @OptionGroup var storeOptions: StoreOptions
        @Option(help: "Whose tokens.") var user: String

        func run() async throws {
            let tokens = try await LocalAdmin.run(storeOptions) { try await $0.identity.tokens(of: user) }
            let iso = Date.ISO8601FormatStyle()
            print(TextTable.render(["ID", "NAME", "PREFIX", "CREATED", "STATE"], tokens.map { token in
                let state = token.revokedAt != nil ? "revoked" : token.expiresAt.map { $0 < Date() ? "expired" : "expires \($0.formatted(iso))" } ?? "active"
                return [token.id.uuidString.lowercased(), token.name, token.prefix + "…", token.createdAt.formatted(iso), state]
            }))
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API token by its id.")
        @OptionGroup var storeOptions: StoreOptions
        @Argument(help: "The token's id, as `token list` shows it.") var id: String

        func run() async throws {
            guard let uuid = UUID(uuidString: id) else { throw CLIError.invalidOption("not a token id: \(id)") }
            try await LocalAdmin.run(storeOptions) { try await $0.identity.revokeToken(id: uuid) }
            print("token \(id.lowercased()) revoked")
        }
    }
}

/// Opens the database, runs a use case as `system`, closes it, and turns refusals into one line.
enum LocalAdmin {
    static func run<R: Sendable>(_ options: StoreOptions, _ body: (BasculeServices) async throws -> R) async throws -> R {
        let (store, _) = try await options.openMigrated()
        do {
            let result = try await RequestOrigin.asSystem { try await body(BasculeServices(store: store)) }
            await store.close()
            return result
        } catch let error as ServiceError {
            await store.close()
            throw CLIError.store(error.description)
        } catch {
            await store.close()
            throw error
        }
    }

    static func setDisabled(_ disabled: Bool, _ username: String, _ options: StoreOptions) async throws {
        let user = try await run(options) { try await $0.identity.updateUser(username, disabled: disabled).user }
        print("\(user.username) is \(disabled ? "disabled" : "enabled")")
    }

    static func roles(_ names: [String]) throws -> Set<Role> {
        let names = names.flatMap { $0.split(separator: ",").map(String.init) }
        let roles = try names.map { name in
            guard let role = Role(rawValue: name) else {
                throw CLIError.invalidOption("unknown role \(name); one of: " + Role.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return role
        }
        guard !roles.isEmpty else { throw CLIError.invalidOption("give at least one --role") }
        return Set(roles)
    }

}
