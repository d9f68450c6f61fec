import Hummingbird

/// Stamps every request with its id and the address it came from, for the audit trail.
/// Until sign-in exists every caller is `anonymous`.
struct RequestOriginMiddleware: RouterMiddleware {
    typealias Context = BasculeRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let origin = RequestOrigin(actor: "anonymous", requestID: context.requestID, clientAddress: context.clientAddress)
        return try await RequestOrigin.$current.withValue(origin) {
            try await next(request, context)
        }
    }
}
