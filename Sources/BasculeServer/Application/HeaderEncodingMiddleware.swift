import Hummingbird

/// The OpenAPI runtime writes header values URI-encoded, which turns `"3"` into `%223%22`.
/// ETag and Location are not URI components: send them as RFC 9110 writes them.
struct HeaderEncodingMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        for name in [HTTPField.Name.eTag, .location] {
            if let value = response.headers[name], value.contains("%"), let decoded = value.removingPercentEncoding {
                response.headers[name] = decoded
            }
        }
        return response
    }
}

import Foundation
import HTTPTypes
