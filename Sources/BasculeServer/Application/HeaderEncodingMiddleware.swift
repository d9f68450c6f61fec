import Hummingbird

/// The OpenAPI runtime writes header values URI-encoded, which turns `"3"` into `%223%22`.
/// ETag and Location are not URI components: send them as RFC 9110 writes them.
struct HeaderEncodingMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        // Only what the runtime encoded: a quoted tag, a path whose slashes were escaped. A
        // Location of our own pages (`/login?next=%2F…`) keeps its escapes.
        for (name, encodedStart) in [(HTTPField.Name.eTag, "%22"), (.location, "%2F")] {
            if let value = response.headers[name], value.hasPrefix(encodedStart), let decoded = value.removingPercentEncoding {
                response.headers[name] = decoded
            }
        }
        return response
    }
}

import Foundation
import HTTPTypes
