import BasculeCore
import Foundation
import Hummingbird

/// Users and teams, managed from one page by those who may.
struct PeopleRoutes<Context: RequestContext>: Sendable {
    let services: BasculeServices
    let renderer: PageRenderer

    func register(on router: Router<Context>) {
        router.get("/people", use: show)
        router.post("/people/users", use: createUser)
        router.post("/people/users/{username}", use: updateUser)
        router.post("/people/users/{username}/password", use: resetPassword)
        router.post("/people/teams", use: createTeam)
        router.post("/people/teams/{name}", use: setMembers)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        try await page(request: request)
    }

    @Sendable func createUser(_ request: Request, context: Context) async throws -> Response {
        let fields = try await WebRoutes<Context>.form(request)
        return try await acting(request) {
            let username = fields["username"]?.trimmingCharacters(in: .whitespaces) ?? ""
            let (user, password) = try await services.identity.createUser(username: username, displayName: fields["displayName"] ?? "",
                                                                           email: fields["email"] ?? "", roles: PeoplePage.roles(from: fields))
            return try await page(request: request, password: password.map { (user.username, $0) })
        }
    }

    @Sendable func updateUser(_ request: Request, context: Context) async throws -> Response {
        let username = try context.parameters.require("username")
        let fields = try await WebRoutes<Context>.form(request)
        return try await acting(request) {
            _ = try await services.identity.updateUser(username, displayName: fields["displayName"] ?? "", email: fields["email"] ?? "",
                                                       roles: PeoplePage.roles(from: fields), disabled: fields["disabled"] != nil)
            return WebRoutes<Context>.redirect("/people?done=person_saved#users")
        }
    }

    /// The new password is shown once, on the page that answers, and never stored in clear.
    @Sendable func resetPassword(_ request: Request, context: Context) async throws -> Response {
        let username = try context.parameters.require("username")
        return try await acting(request) {
            let password = try await services.identity.resetPassword(username)
            return try await page(request: request, password: password.map { (username, $0) })
        }
    }

    @Sendable func createTeam(_ request: Request, context: Context) async throws -> Response {
        let fields = try await WebRoutes<Context>.form(request)
        return try await acting(request) {
            _ = try await services.teams.create(name: fields["name"] ?? "", members: Self.members(fields["members"]))
            return WebRoutes<Context>.redirect("/people?done=team_saved#teams")
        }
    }

    @Sendable func setMembers(_ request: Request, context: Context) async throws -> Response {
        let name = try context.parameters.require("name")
        let fields = try await WebRoutes<Context>.form(request)
        return try await acting(request) {
            _ = try await services.teams.setMembers(of: name, to: Self.members(fields["members"]))
            return WebRoutes<Context>.redirect("/people?done=team_saved#teams")
        }
    }

    static func members(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
    }

    /// A refusal with fields comes back on the page; one without (forbidden, missing) is the error page.
    private func acting(_ request: Request, _ body: () async throws -> Response) async throws -> Response {
        try await renderer.acting(request, page: { try await page(request: request, errors: $0, status: $1) }, body)
    }

    private func page(request: Request, password: (String, String)? = nil, errors: [FieldError] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let words = renderer.words(request)
        let origin = RequestOrigin.current
        do {
            let users = origin.may(.userRead) ? try await services.identity.users() : nil
            let model = PeoplePage.model(users: users, teams: try await services.teams.teams(), canManageUsers: origin.may(.userManage),
                                         canManageTeams: origin.may(.teamManage), password: password.map { (user: $0.0, secret: $0.1) }, errors: errors, words)
            var response = renderer.page("people", title: words.text("people_title"), model: model, request: request, status: status)
            if password != nil { response.headers[.cacheControl] = "no-store" }
            return response
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }
}
