import BasculeCore
import BasculeServer
import BasculeTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Users and teams managed from their page.
@Suite("People pages")
struct PeoplePagesTests {
    @Test("an administrator creates a user (the password shown once), changes their roles and disables them")
    func manageUsers() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // when
            let created = try await client.form("/people/users", ["username": "nadia", "displayName": "Nadia Benali", "role.approver": "on"])
            let changed = try await client.form("/people/users/nadia", ["displayName": "Nadia Benali", "email": "", "role.releaseManager": "on", "disabled": "on"])
            let user = try #require(try await services.identity.users().first { $0.username == "nadia" })
            // then
            #expect(created.status == .ok)
            #expect(created.text.contains("Shown once, now: the password of"))
            #expect(created.headers[.cacheControl] == "no-store")
            #expect(changed.headers[.location] == "/people?done=person_saved#users")
            #expect(user.roles == [.releaseManager])
            #expect(user.isDisabled)
        }
    }

    @Test("a release manager sets a team's members from the page but is offered no user management")
    func teams() async throws {
        try await TestApp.with(.sqlite, roles: [.releaseManager]) { client, services in
            // given
            _ = try await RequestOrigin.asSystem { try await services.teams.create(name: "dba", members: []) }
            // when
            let set = try await client.form("/people/teams/dba", ["members": client.username])
            let page = try await client.send(.get, "/people").text
            // then
            #expect(set.status == .seeOther)
            #expect(try await services.teams.teams().first { $0.name == "dba" }?.members == [client.username])
            #expect(page.contains(#"action="/people/teams/dba""#))
            #expect(!page.contains("/people/users\""))
        }
    }
}
