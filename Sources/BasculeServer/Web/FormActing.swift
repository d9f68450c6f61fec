import BasculeCore
import Hummingbird

extension PageRenderer {
    /// Runs what a form asks for. A refusal that names fields, or a conflict, comes back on the
    /// form's own page (`page`, with the refusal's status) so that nothing typed is lost; any
    /// other refusal is the error page.
    func acting(_ request: Request, page: ([FieldError], HTTPResponse.Status) async throws -> Response,
                _ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let error as ServiceError where !error.fieldErrors.isEmpty || error.status == 409 {
            return try await page(error.fieldErrors.isEmpty ? [FieldError("form", error.description)] : error.fieldErrors, .init(code: error.status))
        } catch let error as ServiceError {
            return errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }
}
