import BasculeCore
import Foundation
import Hummingbird

/// The sign-in and sign-out pages. The sign-in form is protected against forgery by a signed
/// double-submit token (`SignInFormToken`), since there is no session yet to hold one.
struct SignInRoutes<Context: RequestContext>: Sendable {
    let identity: IdentityService
    let renderer: PageRenderer

    static var loginCSRFCookie: String { "bascule_login_csrf" }

    func register(on router: Router<Context>) {
        router.get("/login", use: page)
        router.post("/login", use: signIn)
        router.post("/logout", use: signOut)
    }

    @Sendable func page(_ request: Request, context: Context) async throws -> Response {
        if case .user = RequestOrigin.current.principal { return Self.redirect(Self.next(request.uri.queryParameters.get("next"))) }
        return try await loginPage(request, next: request.uri.queryParameters.get("next"), username: "", error: nil, status: .ok)
    }

    @Sendable func signIn(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.body.collect(upTo: 65_536)
        let fields = (try? URLEncodedFormDecoder().decode([String: String].self, from: String(buffer: body))) ?? [:]
        let language = Language.of(request)
        let username = fields["username"] ?? ""
        let cookie = request.cookies[Self.loginCSRFCookie]?.value
        guard let cookie, fields["csrf"] == cookie, await identity.isValidSignInFormToken(cookie) else {
            return try await loginPage(request, next: fields["next"], username: username, error: text("login_expired", language), status: .forbidden)
        }
        do {
            let session = try await identity.signIn(username: username, password: fields["password"] ?? "")
            var response = Self.redirect(Self.next(fields["next"]))
            response.setCookie(Cookie(
                name: AuthenticationMiddleware.sessionCookie, value: session.secret, maxAge: Int(IdentityService.sessionLifetime),
                path: "/", secure: Self.isSecure(request), httpOnly: true, sameSite: .lax))
            response.setCookie(Cookie(name: Self.loginCSRFCookie, value: "", maxAge: 0, path: "/", secure: Self.isSecure(request), httpOnly: true, sameSite: .lax))
            return response
        } catch ServiceError.tooManyRequests(let seconds) {
            var response = try await loginPage(request, next: fields["next"], username: username, error: text("login_throttled", language), status: .tooManyRequests)
            response.headers[.retryAfter] = String(seconds)
            return response
        } catch ServiceError.unauthorized {
            return try await loginPage(request, next: fields["next"], username: username, error: text("login_bad", language), status: .unauthorized)
        }
    }

    @Sendable func signOut(_ request: Request, context: Context) async throws -> Response {
        if let secret = request.cookies[AuthenticationMiddleware.sessionCookie]?.value {
            try await identity.signOut(secret: secret)
        }
        var response = Self.redirect("/login")
        response.setCookie(Cookie(name: AuthenticationMiddleware.sessionCookie, value: "", maxAge: 0, path: "/", secure: Self.isSecure(request), httpOnly: true, sameSite: .lax))
        return response
    }

    private func loginPage(_ request: Request, next: String?, username: String, error: String?, status: HTTPResponse.Status) async throws -> Response {
        let kept = request.cookies[Self.loginCSRFCookie]?.value
        let csrf: String
        if let kept, await identity.isValidSignInFormToken(kept) { csrf = kept } else { csrf = try await identity.signInFormToken() }
        let language = Language.of(request)
        let model = SignInPage(csrf: csrf, next: Self.next(next), username: username, error: error)
        var response = renderer.page("login", title: text("login_title", language), model: model, request: request, status: status)
        response.setCookie(Cookie(name: Self.loginCSRFCookie, value: csrf, maxAge: 3600, path: "/", secure: Self.isSecure(request), httpOnly: true, sameSite: .lax))
        return response
    }

    private func text(_ key: String, _ language: Language) -> String { renderer.localizer.text(key, language) }

    /// Back to where the person was going, but never to the sign-in page itself.
    static func next(_ target: String?) -> String {
        let path = SitePath.local(target, fallback: "/home")
        return path.hasPrefix("/login") ? "/home" : path
    }

    /// Over HTTPS, or behind a proxy that says the browser used HTTPS.
    static func isSecure(_ request: Request) -> Bool {
        request.uri.scheme == .https || request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}

import HTTPTypes

/// The sign-in page: the signed form token, where to go after, what was typed, why it was refused.
struct SignInPage: Sendable {
    let csrf: String
    let next: String
    let username: String
    let error: String?
}
