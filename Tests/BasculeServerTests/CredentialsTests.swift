import BasculeCore
import BasculeServer
import BasculeTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Credentials end with what should end them, and pages that need none ignore stale ones.
@Suite("Credentials")
struct CredentialsTests {
    /// A viewer `ana` with an API token, a calendar feed, and the feed's path.
    static func ana(_ client: SignedInClient, _ services: BasculeServices) async throws -> (token: String, feed: String) {
        _ = try await services.identity.createUser(username: "ana", roles: [.viewer], password: TestApp.password)
        let (_, token) = try await services.identity.createToken(name: "laptop", for: "ana")
        let feed = try await client.send(.post, "/api/v1/calendar/feed-token", headers: [.authorization: "Bearer \(token)"]).json()["path"] as? String ?? ""
        return (token, feed)
    }

    @Test("a password reset revokes the user's API tokens", arguments: TestEngine.available)
    func resetRevokesTokens(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            let (token, _) = try await Self.ana(client, services)
            // when
            let reset = try await client.send(.put, "/api/v1/users/ana/password", json: #"{"password":"another long password"}"#)
            // then
            #expect(reset.status == .ok)
            #expect(try await client.raw.send(.get, "/api/v1/me", headers: [.authorization: "Bearer \(token)"]).status == .unauthorized)
        }
    }

    @Test("disabling a user revokes tokens and feed for good: enabling again does not revive them", arguments: TestEngine.available)
    func disableRevokesForGood(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            let (token, feed) = try await Self.ana(client, services)
            #expect(try await client.raw.send(.get, feed).status == .ok)
            // when
            try await client.send(.patch, "/api/v1/users/ana", json: #"{"disabled":true}"#)
            try await client.send(.patch, "/api/v1/users/ana", json: #"{"disabled":false}"#)
            // then
            #expect(try await client.raw.send(.get, "/api/v1/me", headers: [.authorization: "Bearer \(token)"]).status == .unauthorized)
            #expect(try await client.raw.send(.get, feed).status == .unauthorized)
        }
    }

    @Test("an admin lists another user's tokens and revokes one")
    func adminListsTokens() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            let (token, _) = try await Self.ana(client, services)
            // when
            let listed = try await client.send(.get, "/api/v1/users/ana/tokens").json()["items"] as? [[String: Any]] ?? []
            let id = try #require(listed.first?["id"] as? String)
            let revoked = try await client.send(.delete, "/api/v1/tokens/\(id)")
            // then
            #expect(listed.count == 1)
            #expect(!String(describing: listed).contains(token))
            #expect(revoked.status == .noContent)
            #expect(try await client.raw.send(.get, "/api/v1/me", headers: [.authorization: "Bearer \(token)"]).status == .unauthorized)
        }
    }

    @Test("a viewer may not list another user's tokens")
    func viewerMayNotList() async throws {
        try await TestApp.with(.sqlite, roles: [.viewer]) { client, _ in
            let response = try await client.send(.get, "/api/v1/users/viewer/tokens")
            #expect(response.status == .forbidden)
        }
    }

    @Test("a stale token on the health check and on sign-in is ignored there, not refused")
    func staleTokenIgnored() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            // given
            let stale: HTTPFields = [.authorization: "Bearer bsc_revoked_long_ago"]
            // when
            let health = try await client.raw.send(.get, "/health", headers: stale)
            let login = try await client.raw.send(.post, "/api/v1/login",
                                                  json: #"{"username":"\#(client.username)","password":"\#(TestApp.password)"}"#, headers: stale)
            let api = try await client.raw.send(.get, "/api/v1/releases", headers: stale)
            // then
            // (the health check itself may say 503 on a machine too loaded to ping in 2 s: not a refusal)
            #expect(health.status == .ok || health.status == .serviceUnavailable, "\(health.status)")
            #expect(login.status == .created)
            #expect(api.status == .unauthorized)
        }
    }

    @Test("answers carrying secrets are not to be cached")
    func noStore() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            // when
            let login = try await client.raw.send(.post, "/api/v1/login", json: #"{"username":"\#(client.username)","password":"\#(TestApp.password)"}"#)
            let page = try await client.send(.get, "/releases")
            let style = try await client.raw.send(.get, "/static/app.css")
            // then
            #expect(login.headers[.cacheControl] == "no-store")
            #expect(page.headers[.cacheControl] == "no-store")
            #expect(style.headers[.cacheControl] != "no-store")
        }
    }

    @Test("expired sessions are purged when someone signs in")
    func expiredSessionsPurged() async throws {
        try await TestDatabase.with(.sqlite) { store in try await RequestOrigin.asSystem {
            // given a session signed in 13 hours ago (they last 12)
            let clock = TestClock()
            let services = BasculeServices(store: store, now: { clock.now }, passwordCost: 4)
            _ = try await services.identity.createUser(username: "ana", roles: [.viewer], password: TestApp.password)
            let old = try await services.identity.signIn(username: "ana", password: TestApp.password)
            clock.advance(by: 13 * 3600)
            // when
            _ = try await services.identity.signIn(username: "ana", password: TestApp.password)
            // then
            let count = try await store.withConnection { db in
                try await db.raw("SELECT COUNT(*) AS n FROM sessions").first()?.decode(column: "n", as: Int.self)
            }
            #expect(count == 1)
            #expect(try await services.identity.session(secret: old.secret) == nil)
        } }
    }

    @Test("a use case called outside any request is refused: no origin is no right")
    func denyByDefault() async throws {
        try await TestDatabase.with(.sqlite) { store in
            // given
            let services = BasculeServices(store: store, passwordCost: 4)
            // when, outside any request and without asking to act as the system
            let error = await #expect(throws: ServiceError.self) {
                try await Task.detached { try await services.releases.create(ReleaseInput(title: "x", version: "1", type: .minor)) }.value
            }
            // then
            #expect(error?.status == 401)
        }
    }

    @Test("a stale If-Match on a user, a team or a template is refused with 412")
    func ifMatchOnIdentity() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            _ = try await services.identity.createUser(username: "ana", roles: [.viewer], password: TestApp.password)
            try await client.send(.post, "/api/v1/teams", json: #"{"name":"ops"}"#)
            let first = try await client.send(.patch, "/api/v1/users/ana", json: #"{"displayName":"Ana"}"#)
            // when
            let stale = try await client.send(.patch, "/api/v1/users/ana", json: #"{"displayName":"Ana B"}"#, headers: [.ifMatch: "\"1\""])
            let fresh = try await client.send(.patch, "/api/v1/users/ana", json: #"{"displayName":"Ana B"}"#, headers: [.ifMatch: first.headers[.eTag] ?? ""])
            let team = try await client.send(.put, "/api/v1/teams/ops/members", json: #"{"members":["ana"]}"#, headers: [.ifMatch: "\"7\""])
            let template = try await client.send(.put, "/api/v1/runbook-templates/std", json: "steps: []\n",
                                                 headers: [.contentType: "application/yaml", .ifMatch: "\"3\""])
            // then
            #expect(first.headers[.eTag] == "\"2\"")
            #expect(stale.status == .preconditionFailed)
            #expect(fresh.status == .ok)
            #expect(team.status == .preconditionFailed)
            #expect(template.status == .preconditionFailed)
        }
    }
}
