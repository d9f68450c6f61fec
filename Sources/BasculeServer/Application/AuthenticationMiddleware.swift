import BasculeCore
import Foundation
import HTTPTypes
import Hummingbird

/// Decides who every request acts for, from a bearer token or the session cookie, and stamps
/// the request with it (with its id and client address, for the audit trail). Without
/// credentials only the health check, the sign-in page and the static files answer: the API
/// says 401, the pages send people to sign in. Forms and cookie-authenticated API writes must
/// carry the session's anti-forgery token.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = BasculeRequestContext
    let identity: IdentityService
    let proxies: TrustedProxies

    static let sessionCookie = "bascule_session"
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        let path = request.uri.path
        // Prometheus is an API client: told 401, not sent to the sign-in page.
        let isAPI = path.hasPrefix("/api/") || path == "/metrics"
        let isPublic = Self.isPublic(path, request.method)
        let client = proxies.client(peer: context.clientAddress, forwardedFor: request.headers[values: Self.forwardedFor])
        var origin = RequestOrigin(principal: .anonymous, requestID: context.requestID, clientAddress: client)
        // Agents and incident sources present their own credential, which their routes check themselves.
        if path.hasPrefix("/api/v1/agent/") || path.hasPrefix("/api/v1/inbound/") {
            return try await RequestOrigin.$current.withValue(origin) { try await next(request, context) }
        }

        if let header = request.headers[.authorization] {
            do {
                let parts = header.split(separator: " ", omittingEmptySubsequences: true)
                guard parts.count == 2, parts[0].lowercased() == "bearer" else {
                    throw ServiceError.unauthorized("the Authorization header must be `Bearer <token>`")
                }
                let secret = String(parts[1])
                origin.principal = .user(try await RequestOrigin.$current.withValue(origin) { try await identity.identity(bearer: secret) })
                origin.credential = .bearer(secret)
            } catch ServiceError.unauthorized where isPublic {
                // A stale token sent to what needs none (the health check, signing in) is
                // ignored there, not refused: the request goes on as anonymous.
            }
        } else if let secret = request.cookies[Self.sessionCookie]?.value, let session = try await identity.session(secret: secret) {
            origin.principal = .user(session.identity)
            origin.csrfToken = session.csrfToken
            origin.credential = .session(secret)
            if Self.isUnsafe(request.method), path != "/login" {
                let presented = isAPI ? request.headers[Self.csrfHeader] : try await Self.formToken(of: &request, context: context)
                guard presented == session.csrfToken else {
                    throw ServiceError.forbidden("the form is out of date or did not come from this site (anti-forgery token); reload the page and try again")
                }
            }
        }

        if origin.principal == .anonymous, !isPublic {
            if isAPI { throw ServiceError.unauthorized("sign in first: send `Authorization: Bearer <token>`") }
            return Self.signInRedirect(for: request)
        }
        let forwarded = request
        return try await RequestOrigin.$current.withValue(origin) { try await next(forwarded, context) }
    }

    static func isPublic(_ path: String, _ method: HTTPRequest.Method) -> Bool {
        path == "/health" || path == "/api/v1/health" || path == "/login" || path.hasPrefix("/static/") || path == "/calendar.ics"
            || path.hasPrefix("/language/") || (path == "/api/v1/login" && method == .post)
            || (method == .get && ["/status", "/status.atom", "/status.json"].contains(path))
            // The feedback link of a review: its token is the credential; 404 or 410 once it is not good.
            || path.hasPrefix("/feedback/fbk_")
    }

    static func isUnsafe(_ method: HTTPRequest.Method) -> Bool {
        ![.get, .head, .options].contains(method)
    }

    /// Reads the `csrf` field of a posted form, keeping the body for the handler.
    private static func formToken(of request: inout Request, context: Context) async throws -> String? {
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        if let boundary = MultipartForm.boundary(of: request.headers[.contentType]) {
            return MultipartForm(body, boundary: boundary)?.fields["csrf"]
        }
        // Read as pairs: a field sent several times (a multiple choice) must not hide the token.
        return FormPairs.read(String(buffer: body)).first { $0.name == "csrf" }?.value
    }

    private static func signInRedirect(for request: Request) -> Response {
        let target = request.method == .get ? request.uri.description : "/releases"
        let next = target.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "%2F"
        return Response(status: .seeOther, headers: [.location: "/login?next=\(next)"])
    }
}
