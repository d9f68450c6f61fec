import BasculeCore
import BasculeServer
import BasculeStore
import BasculeTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("Sign-in and tokens")
struct IdentityTests {
    private func login(_ client: SignedInClient, _ username: String, _ password: String) async throws -> TestResponse {
        try await client.raw.send(.post, "/api/v1/login", json: #"{"username":"\#(username)","password":"\#(password)"}"#)
    }

    @Test("a good password gives a token that works", arguments: TestEngine.available)
    func loginGivesToken(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // when
            let response = try await login(client, client.username, TestApp.password)
            // then
            #expect(response.status == .created)
            let secret = try #require(try response.json()["secret"] as? String)
            #expect(secret.hasPrefix("bsc_"))
            let me = try await client.raw.send(.get, "/api/v1/me", headers: [.authorization: "Bearer \(secret)"])
            #expect(try me.json()["username"] as? String == client.username)
        }
    }

    @Test("every bad credential gets the same answer and writes only its audit event", arguments: ["wrong", "unknown", "disabled"])
    func badCredentials(kind: String) async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            _ = try await services.identity.createUser(username: "gone", roles: [.viewer], password: TestApp.password)
            _ = try await services.identity.updateUser("gone", disabled: true)
            let before = try await services.audit.list(.init(), limit: 200).items.count
            let (name, password) = switch kind {
            case "wrong": (client.username, "not the right password")
            case "unknown": ("nobody", TestApp.password)
            default: ("gone", TestApp.password)
            }
            // when
            let response = try await login(client, name, password)
            // then
            #expect(response.status == .unauthorized)
            #expect(try response.json()["detail"] as? String == "unknown username or wrong password")
            let events = try await services.audit.list(.init(), limit: 200).items
            #expect(events.count == before + 1)
            #expect(events.first?.entry.action == .loginFailure)
        }
    }

    @Test("five failures in a minute lock the username out with 429")
    func throttled() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            // given
            for _ in 1...5 { _ = try await login(client, client.username, "not the right password") }
            // when
            let response = try await login(client, client.username, TestApp.password)
            // then
            #expect(response.status == .tooManyRequests)
            #expect(response.headers[.retryAfter] == "60")
        }
    }

    @Test("twenty failures in a minute from one address lock that address out, whatever the usernames")
    func throttledByAddress() async throws {
        try await TestDatabase.with(.sqlite) { store in try await RequestOrigin.asSystem {
            // given a clock that stands still: twenty bcrypt checks on a loaded machine once
            // outlasted the 60 s window (PostgreSQL pass), and the first failures expired
            let instant = Date()
            let services = BasculeServices(store: store, now: { instant }, passwordCost: 4)
            _ = try await services.identity.createUser(username: "ana", roles: [.viewer], password: TestApp.password)
            let attacker = RequestOrigin(principal: .anonymous, clientAddress: "203.0.113.9")
            // when
            await RequestOrigin.$current.withValue(attacker) {
                for index in 1...SignInThrottle.addressLimit {
                    await #expect(throws: ServiceError.self) { try await services.identity.signIn(username: "guess\(index)", password: "nope nope nope") }
                }
                // then
                await #expect(throws: ServiceError.tooManyRequests(retryAfter: 60)) {
                    try await services.identity.signIn(username: "ana", password: TestApp.password)
                }
            }
            let elsewhere = RequestOrigin(principal: .anonymous, clientAddress: "198.51.100.7")
            let session = try await RequestOrigin.$current.withValue(elsewhere) {
                try await services.identity.signIn(username: "ana", password: TestApp.password)
            }
            #expect(session.user.username == "ana")
        } }
    }

    @Test("someone guessing a user's password elsewhere does not lock that user out")
    func guessingElsewhere() async throws {
        try await TestDatabase.with(.sqlite) { store in try await RequestOrigin.asSystem {
            // given a clock that stands still, so that the guesses all fall in one window
            let instant = Date()
            let services = BasculeServices(store: store, now: { instant }, passwordCost: 4)
            _ = try await services.identity.createUser(username: "ana", roles: [.viewer], password: TestApp.password)
            let attacker = RequestOrigin(principal: .anonymous, clientAddress: "203.0.113.9")
            await RequestOrigin.$current.withValue(attacker) {
                for _ in 1...12 { _ = try? await services.identity.signIn(username: "ana", password: "nope nope nope") }
            }
            // when
            let session = try await RequestOrigin.$current.withValue(RequestOrigin(principal: .anonymous, clientAddress: "198.51.100.7")) {
                try await services.identity.signIn(username: "ana", password: TestApp.password)
            }
            // then
            #expect(session.user.username == "ana")
        } }
    }

    @Test("throttled attempts are refused before hashing and recorded once per window, not once each")
    func throttledAttemptsAggregated() async throws {
        try await TestDatabase.with(.sqlite) { store in try await RequestOrigin.asSystem {
            // given a clock that stands still: on a loaded machine the 35 attempts could
            // otherwise outlast the 60 s window, and a second window would record again
            let instant = Date()
            let services = BasculeServices(store: store, now: { instant }, passwordCost: 4)
            _ = try await services.identity.createUser(username: "ana", roles: [.viewer], password: TestApp.password)
            let attacker = RequestOrigin(principal: .anonymous, clientAddress: "203.0.113.9")
            // when
            await RequestOrigin.$current.withValue(attacker) {
                for _ in 1...SignInThrottle.pairLimit + 30 { _ = try? await services.identity.signIn(username: "ana", password: "nope nope nope") }
            }
            // then
            let events = try await services.audit.list(.init(target: "user:ana"), limit: 200).items
            #expect(events.filter { $0.entry.action == .loginFailure }.count == SignInThrottle.pairLimit)
            #expect(events.filter { $0.entry.action == .loginThrottled }.count == 1)
            #expect(try await services.audit.verify().intactEvents != nil)
        } }
    }

    @Test("a password longer than bcrypt reads is never taken for a shorter one")
    func longPasswordNotCut() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given: a password of exactly 72 bytes
            let password = String(repeating: "p", count: 72)
            _ = try await services.identity.createUser(username: "long", roles: [.viewer], password: password)
            // when: that password with more after it
            let response = try await login(client, "long", password + "anything")
            // then
            #expect(response.status == .unauthorized)
            #expect(try await login(client, "long", password).status == .created)
        }
    }

    @Test("a malformed Authorization header is refused", arguments: ["Basic abc", "Bearer", "Bearer a b", "token"])
    func malformedHeader(header: String) async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let response = try await client.raw.send(.get, "/api/v1/releases", headers: [.authorization: header])
            #expect(response.status == .unauthorized)
            #expect(response.headers[.contentType] == "application/problem+json")
        }
    }

    @Test("a revoked token stops working")
    func revokedToken() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            // given
            let created = try await client.send(.post, "/api/v1/tokens", json: #"{"name":"laptop","expiresInDays":30}"#).json()
            let secret = try #require(created["secret"] as? String)
            let id = try #require((created["token"] as? [String: Any])?["id"] as? String)
            // when
            let revoked = try await client.send(.delete, "/api/v1/tokens/\(id)")
            // then
            #expect(revoked.status == .noContent)
            #expect(try await client.raw.send(.get, "/api/v1/me", headers: [.authorization: "Bearer \(secret)"]).status == .unauthorized)
            let listed = try await client.send(.get, "/api/v1/tokens").json()["items"] as? [[String: Any]] ?? []
            #expect(listed.contains { $0["id"] as? String == id && $0["revoked"] as? Bool == true })
            #expect(!String(describing: listed).contains(secret))
        }
    }

    @Test("an expired token stops working")
    func expiredToken() async throws {
        try await TestDatabase.with(.sqlite) { store in try await RequestOrigin.asSystem {
            // given
            let clock = TestClock()
            let services = BasculeServices(store: store, now: { clock.now }, passwordCost: 4)
            _ = try await services.identity.createUser(username: "ana", roles: [.viewer], password: TestApp.password)
            let (_, secret) = try await services.identity.createToken(name: "short", lifetimeDays: 1, for: "ana")
            #expect(try await services.identity.identity(bearer: secret).username == "ana")
            // when
            clock.advance(by: 2 * 86_400)
            // then
            await #expect(throws: ServiceError.self) { try await services.identity.identity(bearer: secret) }
        } }
    }

    @Test("tokens are stored only as hashes")
    func tokensHashedAtRest() async throws {
        try await TestDatabase.with(.sqlite) { store in try await RequestOrigin.asSystem {
            // given
            let services = BasculeServices(store: store, passwordCost: 4)
            _ = try await services.identity.createUser(username: "ana", roles: [.viewer], password: TestApp.password)
            let (_, secret) = try await services.identity.createToken(name: "t", for: "ana")
            // when
            let stored = try await store.withConnection { db in
                try await db.raw("SELECT token_hash FROM api_tokens").all().map { try $0.decode(column: "token_hash", as: String.self) }
            }
            let passwords = try await store.withConnection { db in
                try await db.raw("SELECT password_hash FROM users").all().map { try $0.decode(column: "password_hash", as: String.self) }
            }
            // then
            #expect(stored == [TokenRepository.hash(secret)])
            #expect(passwords.allSatisfy { $0.hasPrefix("$2") && !$0.contains(TestApp.password) })
        } }
    }

    @Test("a duplicate username is a conflict and a weak password names the rule")
    func accountRules() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let duplicate = try await client.send(.post, "/api/v1/users", json: #"{"username":"\#(client.username)","roles":["viewer"],"password":"long enough password"}"#)
            #expect(duplicate.status == .conflict)
            let weak = try await client.send(.post, "/api/v1/users", json: #"{"username":"ana","roles":["viewer"],"password":"short"}"#)
            #expect(weak.status == .unprocessableContent)
            #expect(try weak.problemFields() == ["password"])
            #expect(try weak.json()["detail"] as? String == "password: must be at least 12 characters")
        }
    }

    @Test("creating a user without a password returns a generated one, once")
    func generatedPassword() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let created = try await client.send(.post, "/api/v1/users", json: #"{"username":"ana","roles":["operator"]}"#).json()
            let password = try #require(created["generatedPassword"] as? String)
            #expect(password.count >= 12)
            #expect(try await login(client, "ana", password).status == .created)
        }
    }
}

@Suite("Sign-in pages")
struct SignInPagesTests {
    /// Signs in through the form, as a browser does: fetch the page for its anti-forgery
    /// cookie, post the form, keep the session cookie.
    private func signIn(_ client: SignedInClient) async throws -> (cookie: String, csrf: String) {
        let page = try await client.raw.send(.get, "/login")
        let loginCSRF = try #require(Self.cookie("bascule_login_csrf", in: page))
        let response = try await client.raw.form(
            "/login", ["username": client.username, "password": TestApp.password, "csrf": loginCSRF, "next": "/releases/REL-1"],
            headers: [.cookie: "bascule_login_csrf=\(loginCSRF)"])
        #expect(response.status == .seeOther)
        #expect(response.headers[.location] == "/releases/REL-1")
        let setCookie = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("bascule_session=") })
        #expect(setCookie.contains("HttpOnly"))
        #expect(setCookie.contains("SameSite=Lax"))
        let session = try #require(Self.cookie("bascule_session", in: response))
        let releases = try await client.raw.send(.get, "/releases", headers: [.cookie: "bascule_session=\(session)"]).text
        let csrf = try #require(releases.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
        return (session, String(csrf))
    }

    static func cookie(_ name: String, in response: TestResponse) -> String? {
        for header in response.headers[values: .setCookie] where header.hasPrefix("\(name)=") {
            return String(header.dropFirst(name.count + 1).prefix { $0 != ";" })
        }
        return nil
    }

    @Test("an anonymous page visit is sent to sign in and back")
    func redirectToSignIn() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let response = try await client.raw.send(.get, "/releases?status=draft")
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/login?next=%2Freleases%3Fstatus%3Ddraft")
            let page = try await client.raw.send(.get, "/login").text
            #expect(page.contains("Sign in to Bascule"))
            #expect(!page.contains(">nil<"))
            #expect(!page.contains("signout"))
        }
    }

    @Test("a form with the session's token goes through; without it, 403 and nothing written")
    func csrfOnForms() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            _ = try await services.releases.create(ReleaseInput(title: "Draft", version: "1", type: .minor))
            let (session, csrf) = try await signIn(client)
            // when
            let forged = try await client.raw.form("/releases/REL-1/transitions", ["to": "cancelled"], headers: [.cookie: "bascule_session=\(session)"])
            let wrong = try await client.raw.form("/releases/REL-1/transitions", ["to": "cancelled", "csrf": "guess"], headers: [.cookie: "bascule_session=\(session)"])
            #expect(try await services.releases.get("REL-1").status == .draft)
            let genuine = try await client.raw.form("/releases/REL-1/transitions", ["to": "cancelled", "csrf": csrf], headers: [.cookie: "bascule_session=\(session)"])
            // then
            #expect(forged.status == .forbidden)
            #expect(wrong.status == .forbidden)
            #expect(genuine.status == .seeOther)
            #expect(try await services.releases.get("REL-1").status == .cancelled)
        }
    }

    @Test("a cookie-authenticated API write needs the X-CSRF-Token header")
    func csrfOnAPIWithCookie() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let (session, csrf) = try await signIn(client)
            let without = try await client.raw.send(.post, "/api/v1/releases", json: Samples.release, headers: [.cookie: "bascule_session=\(session)"])
            let with = try await client.raw.send(.post, "/api/v1/releases", json: Samples.release, headers: [.cookie: "bascule_session=\(session)", HTTPField.Name("X-CSRF-Token")!: csrf])
            #expect(without.status == .forbidden)
            #expect(with.status == .created)
        }
    }

    @Test("a sign-in form without its anti-forgery cookie is refused")
    func loginCSRF() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let response = try await client.raw.form("/login", ["username": client.username, "password": TestApp.password, "csrf": "made-up"])
            #expect(response.status == .forbidden)
            #expect(SignInPagesTests.cookie("bascule_session", in: response) == nil)
        }
    }

    @Test("the session cookie is Secure behind a proxy that says HTTPS")
    func secureBehindProxy() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let page = try await client.raw.send(.get, "/login")
            let csrf = try #require(Self.cookie("bascule_login_csrf", in: page))
            let response = try await client.raw.form(
                "/login", ["username": client.username, "password": TestApp.password, "csrf": csrf],
                headers: [.cookie: "bascule_login_csrf=\(csrf)", HTTPField.Name("X-Forwarded-Proto")!: "https"])
            let setCookie = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("bascule_session=") })
            #expect(setCookie.contains("Secure"))
        }
    }

    @Test("signing out ends the session")
    func signOut() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            let (session, csrf) = try await signIn(client)
            let response = try await client.raw.form("/logout", ["csrf": csrf], headers: [.cookie: "bascule_session=\(session)"])
            #expect(response.status == .seeOther)
            #expect(try await client.raw.send(.get, "/releases", headers: [.cookie: "bascule_session=\(session)"]).status == .seeOther)
        }
    }

    @Test("a viewer sees no button for what they may not do")
    func viewerSeesNoActions() async throws {
        try await TestApp.with(.sqlite, roles: [.viewer]) { client, services in
            _ = try await services.releases.create(ReleaseInput(title: "Draft", version: "1", type: .minor))
            let list = try await client.send(.get, "/releases").text
            let page = try await client.send(.get, "/releases/REL-1").text
            #expect(!list.contains("/releases/new"))
            #expect(!page.contains(#"name="to""#))
            #expect(!page.contains("/edit"))
            #expect(!page.contains("History"))
        }
    }
}

/// A clock the test moves by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_800_000_000)

    var now: Date { lock.withLock { current } }

    func advance(by seconds: TimeInterval) {
        lock.withLock { current = current.addingTimeInterval(seconds) }
    }
}
