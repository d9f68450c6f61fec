import BasculeAPI
import BasculeCore
import BasculeStore
import Foundation

/// Accounts, sign-in and tokens.
extension APIHandler {
    func login(_ input: Operations.Login.Input) async throws -> Operations.Login.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([.init("body", "must be JSON")]) }
        let (token, secret, user) = try await identity.tokenForPassword(
            username: body.username, password: body.password, name: body.tokenName ?? "cli")
        return .created(.init(body: .json(.init(token: .init(token), secret: secret, username: user.username))))
    }

    func getMe(_ input: Operations.GetMe.Input) async throws -> Operations.GetMe.Output {
        .ok(.init(body: .json(.init(try await identity.me()))))
    }

    func listTokens(_ input: Operations.ListTokens.Input) async throws -> Operations.ListTokens.Output {
        .ok(.init(body: .json(.init(items: try await identity.tokens().map(Components.Schemas.Token.init)))))
    }

    func listUserTokens(_ input: Operations.ListUserTokens.Input) async throws -> Operations.ListUserTokens.Output {
        .ok(.init(body: .json(.init(items: try await identity.tokens(of: input.path.username).map(Components.Schemas.Token.init)))))
    }

    func createToken(_ input: Operations.CreateToken.Input) async throws -> Operations.CreateToken.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([.init("body", "must be JSON")]) }
        let (token, secret) = try await identity.createToken(name: body.name, lifetimeDays: body.expiresInDays)
        return .created(.init(body: .json(.init(token: .init(token), secret: secret, username: RequestOrigin.current.actor))))
    }

    func revokeToken(_ input: Operations.RevokeToken.Input) async throws -> Operations.RevokeToken.Output {
        guard let id = UUID(uuidString: input.path.id) else { throw ServiceError.notFound("token \(input.path.id)") }
        try await identity.revokeToken(id: id)
        return .noContent(.init())
    }

    func listUsers(_ input: Operations.ListUsers.Input) async throws -> Operations.ListUsers.Output {
        .ok(.init(body: .json(.init(items: try await identity.users().map(Components.Schemas.User.init)))))
    }

    func createUser(_ input: Operations.CreateUser.Input) async throws -> Operations.CreateUser.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([.init("body", "must be JSON")]) }
        let (user, generated) = try await identity.createUser(
            username: body.username, displayName: body.displayName ?? "", email: body.email ?? "",
            roles: Set(body.roles.compactMap { Role(rawValue: $0.rawValue) }), password: body.password)
        return .created(.init(body: .json(.init(user: .init(user), generatedPassword: generated))))
    }

    func updateUser(_ input: Operations.UpdateUser.Input) async throws -> Operations.UpdateUser.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([.init("body", "must be JSON")]) }
        let (user, revision) = try await identity.updateUser(
            input.path.username, displayName: body.displayName, email: body.email,
            roles: body.roles.map { Set($0.compactMap { Role(rawValue: $0.rawValue) }) }, disabled: body.disabled,
            precondition: ETag.precondition(ifMatch: input.headers.ifMatch))
        var shown = Components.Schemas.User(user)
        shown.revision = revision
        return .ok(.init(headers: .init(eTag: ETag.make(revision)), body: .json(shown)))
    }

    func resetPassword(_ input: Operations.ResetPassword.Input) async throws -> Operations.ResetPassword.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([.init("body", "must be JSON")]) }
        let generated = try await identity.resetPassword(input.path.username, to: body.password, precondition: ETag.precondition(ifMatch: input.headers.ifMatch))
        return .ok(.init(body: .json(.init(generatedPassword: generated))))
    }
}

extension APIHandler {
    func listTeams(_ input: Operations.ListTeams.Input) async throws -> Operations.ListTeams.Output {
        .ok(.init(body: .json(.init(items: try await teams.teams().map(Components.Schemas.Team.init)))))
    }

    func createTeam(_ input: Operations.CreateTeam.Input) async throws -> Operations.CreateTeam.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([.init("body", "must be JSON")]) }
        return .created(.init(body: .json(.init(try await teams.create(name: body.name, members: body.members ?? [])))))
    }

    func setTeamMembers(_ input: Operations.SetTeamMembers.Input) async throws -> Operations.SetTeamMembers.Output {
        guard case .json(let body) = input.body else { throw ServiceError.badRequest([.init("body", "must be JSON")]) }
        let (team, revision) = try await teams.setMembers(of: input.path.name, to: body.members, precondition: ETag.precondition(ifMatch: input.headers.ifMatch))
        var shown = Components.Schemas.Team(team)
        shown.revision = revision
        return .ok(.init(headers: .init(eTag: ETag.make(revision)), body: .json(shown)))
    }
}

extension Components.Schemas.Team {
    init(_ team: Team) {
        self.init(name: team.name, members: team.members)
    }
}

extension Components.Schemas.User {
    init(_ user: User) {
        self.init(
            username: user.username, displayName: user.displayName, email: user.email,
            roles: user.roles.sorted().compactMap { Components.Schemas.Role(rawValue: $0.rawValue) }, disabled: user.isDisabled,
            createdAt: user.createdAt)
    }
}

extension Components.Schemas.Token {
    init(_ token: APIToken) {
        self.init(
            id: token.id.uuidString, name: token.name, prefix: token.prefix, createdAt: token.createdAt, expiresAt: token.expiresAt,
            lastUsedAt: token.lastUsedAt, revoked: token.revokedAt != nil)
    }
}
