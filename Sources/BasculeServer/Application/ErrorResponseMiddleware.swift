import Foundation
import Hummingbird
import Logging

/// Answers the errors that happen outside an API operation or a page handler (unknown path,
/// wrong method, oversized body): a problem under `/api`, an error page elsewhere. Unexpected
/// errors are logged with the request and answered without details.
struct ErrorResponseMiddleware<Context: RequestContext>: RouterMiddleware {
    let renderer: PageRenderer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let status: HTTPResponse.Status
            let message: String
            var extraHeaders = HTTPFields()
            if let error = error as? any HTTPResponseError {
                status = error.status
                message = (error as? HTTPError)?.body ?? Self.message(for: status)
            } else if let error = error as? ServiceError {
                status = .init(code: error.status)
                message = error.description
                extraHeaders = error.headers
            } else {
                context.logger.error("unexpected failure", metadata: ["path": "\(request.uri.path)", "error": "\(String(reflecting: error))"])
                status = .internalServerError
                message = "An unexpected error occurred; it has been logged."
            }
            if request.uri.path.hasPrefix("/api/") || request.uri.path == "/health" || request.uri.path == "/metrics" {
                var problem = (error as? ServiceError).map(ProblemDocument.init) ?? ProblemDocument(status: Int(status.code), detail: message)
                problem.instance = request.uri.path
                var headers = extraHeaders
                headers[.contentType] = ProblemDocument.contentType
                return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: problem.encoded())))
            }
            return renderer.errorPage(message, request: request, status: status)
        }
    }

    private static func message(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 404: return "There is nothing at this address."
        case 405: return "This address does not accept this method."
        case 413: return "The request body is too large."
        default: return status.reasonPhrase
        }
    }
}
