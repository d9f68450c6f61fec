import BasculeCore
import BasculeServer
import BasculeTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Redirects, body limits and the client's address: what the edges of a request accept.
@Suite("Request edges")
struct RequestEdgeTests {
    @Test("the language switch sends back only to a path of this site", arguments: [
        ("/releases/REL-1", "/releases/REL-1"),
        ("//evil.example", "/releases"),
        ("/\\evil.example", "/releases"),
        ("/\t/evil.example", "/releases"),
        ("/\n/evil.example", "/releases"),
        ("/\r\n/evil.example", "/releases"),
        (" /evil", "/releases"),
        ("\\\\evil.example", "/releases"),
        ("https://evil.example", "/releases"),
        ("/re\tleases", "/releases"),
    ])
    func languageReturn(target: String, expected: String) async throws {
        try await TestApp.with(.sqlite) { client, _ in
            // when
            let encoded = target.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let response = try await client.raw.send(.get, "/language/fr?return=\(encoded)")
            // then: tabs and line breaks are dropped as browsers drop them, then the path is judged
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == expected)
        }
    }

    @Test("the sign-in form's next page is only a path of this site")
    func signInNext() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            // given the sign-in page, its signed token and cookie
            let page = try await client.raw.send(.get, "/login")
            let cookie = try #require(page.headers[.setCookie]?.split(separator: ";").first.map(String.init))
            let token = try #require(cookie.split(separator: "=", maxSplits: 1).last.map(String.init))
            // when
            let response = try await client.raw.form("/login", ["username": client.username, "password": TestApp.password,
                                                                 "csrf": token, "next": "/\\evil.example"], headers: [.cookie: cookie])
            // then
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/home")
        }
    }

    @Test("a sign-in form token the server did not sign is refused")
    func forgedSignInToken() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            // when the cookie and the field agree but were made up
            let response = try await client.raw.form("/login", ["username": client.username, "password": TestApp.password, "csrf": "made-up"],
                                                     headers: [.cookie: "bascule_login_csrf=made-up"])
            // then
            #expect(response.status == .forbidden)
        }
    }

    @Test("a JUnit report over the standard 4 MiB is taken up to its own 20 MiB; a JSON body over 4 MiB gets 413 naming the limit")
    func bodyLimits() async throws {
        try await TestApp.with(.sqlite) { client, _ in
            // given a JUnit report of about 6 MB
            try await client.send(.post, "/api/v1/releases", json: Samples.release)
            let cases = String(repeating: #"<testcase classname="suite.Case" name="passes with a rather long descriptive name for padding"/>"#, count: 60_000)
            let report = #"<?xml version="1.0"?><testsuite name="s">"# + cases + "</testsuite>"
            #expect(report.utf8.count > 4 * 1_048_576)
            // when
            let imported = try await client.send(.post, "/api/v1/releases/REL-1/test-campaigns/junit?kind=regression", json: report,
                                                 headers: [.contentType: "application/xml"])
            let json = try await client.send(.post, "/api/v1/releases", json: #"{"title":"\#(String(repeating: "a", count: 5 * 1_048_576))"}"#)
            // then
            #expect(imported.status == .created, "\(imported.text.prefix(300))")
            #expect(json.status == .contentTooLarge)
            #expect(json.text.contains("4 MiB"))
        }
    }

    @Test("X-Forwarded-For names the client only when the peer is a trusted proxy")
    func trustedProxies() throws {
        // given
        guard case .success(let proxies) = TrustedProxies.parse("10.0.0.0/8, 127.0.0.1 ::1") else {
            Issue.record("the list did not parse")
            return
        }
        // then
        #expect(proxies.client(peer: "10.1.2.3", forwardedFor: ["203.0.113.7"]) == "203.0.113.7")
        #expect(proxies.client(peer: "10.1.2.3", forwardedFor: ["198.51.100.1, 203.0.113.7, 10.9.9.9"]) == "203.0.113.7")
        #expect(proxies.client(peer: "192.0.2.44", forwardedFor: ["203.0.113.7"]) == "192.0.2.44")
        #expect(proxies.client(peer: "::ffff:127.0.0.1", forwardedFor: ["2001:db8::1"]) == "2001:db8::1")
        #expect(proxies.client(peer: "10.1.2.3", forwardedFor: ["not an address"]) == "10.1.2.3")
        guard case .failure(let bad) = TrustedProxies.parse("10.0.0.0/33") else {
            Issue.record("a bad range was accepted")
            return
        }
        #expect(bad.text == "10.0.0.0/33")
    }

    @Test("an event stream's credential stops standing when its user is disabled or its token revoked")
    func streamCredential() async throws {
        try await TestApp.with(.sqlite) { client, services in
            // given
            _ = try await services.identity.createUser(username: "ana", roles: [.viewer], password: TestApp.password)
            let (_, token) = try await services.identity.createToken(name: "watch", for: "ana")
            let session = try await services.identity.signIn(username: "ana", password: TestApp.password)
            let epoch = services.identity.revocations.epoch
            #expect(await services.identity.stillValid(.bearer(token)))
            #expect(await services.identity.stillValid(.session(session.secret)))
            // when
            try await services.identity.updateUser("ana", disabled: true)
            // then
            #expect(services.identity.revocations.epoch > epoch)
            #expect(await !services.identity.stillValid(.bearer(token)))
            #expect(await !services.identity.stillValid(.session(session.secret)))
        }
    }
}
