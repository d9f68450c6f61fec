import BasculeCore
import Foundation
import HTTPTypes
import Hummingbird

/// Applies the text rule (`TextRule`) to what every request carries before anything reads it:
/// the path, the query string, the header values, and the fields of a posted page form. JSON
/// and document bodies of the API are checked in `ProblemMiddleware`, which knows the
/// operation. Also sets the body limit of the page being posted to.
struct InputTextMiddleware: RouterMiddleware {
    typealias Context = BasculeRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let refusal = InputText.pathRefusal(request.uri.path)
            ?? request.uri.query.flatMap({ InputText.formRefusal($0[...]) })
            ?? Self.headerRefusal(request.headers) {
            throw ServiceError.badRequest([refusal])
        }
        var request = request
        var context = context
        let path = request.uri.path
        if !path.hasPrefix("/api/") {
            context.maxUploadSize = BodyLimits.forPage(path)
            if request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true {
                let body = try await request.collectBody(upTo: context.maxUploadSize)
                if let refusal = InputText.formRefusal(String(buffer: body)[...]) { throw ServiceError.badRequest([refusal]) }
            } else if let boundary = MultipartForm.boundary(of: request.headers[.contentType]) {
                // A file's own reader judges its bytes; the text fields beside it follow the one rule.
                let body = try await request.collectBody(upTo: context.maxUploadSize)
                for (name, value) in MultipartForm(body, boundary: boundary)?.fields ?? [:] {
                    if let found = TextRule.check(name, field: "form") ?? TextRule.check(value, field: String(name.prefix(64))) {
                        throw ServiceError.badRequest([found])
                    }
                }
            }
        }
        return try await next(request, context)
    }

    static func headerRefusal(_ headers: HTTPFields) -> FieldError? {
        for field in headers {
            if let refusal = TextRule.check(field.value, field: "header \(field.name.canonicalName)") { return refusal }
        }
        return nil
    }
}
