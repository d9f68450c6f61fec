import BasculeCore
import Foundation
import Hummingbird

/// The release policy's page and its editor.
struct PolicyRoutes<Context: RequestContext>: Sendable {
    let services: BasculeServices
    let renderer: PageRenderer

    func register(on router: Router<Context>) {
        router.get("/policy", use: show)
        router.post("/policy", use: save)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        do {
            return try await page(version: request.uri.queryParameters.get("version").flatMap(Int.init), request: request)
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }

    /// A refused document stays in the editor with every error at its line; the policy in force stays.
    @Sendable func save(_ request: Request, context: Context) async throws -> Response {
        let fields = try await WebRoutes<Context>.form(request, limit: BodyLimits.standard)
        let document = fields["document"] ?? ""
        do {
            _ = try await services.policy.replace(with: document, precondition: fields["expected"].flatMap(Int.init).map { .oneOf([$0]) })
            return WebRoutes<Context>.redirect("/policy?done=policy_saved")
        } catch let error as ServiceError where error.status != 403 {
            let errors = error.fieldErrors.isEmpty ? [PlanRoutes<Context>.stale(error)] : error.fieldErrors
            return try await page(version: nil, request: request, typed: document, errors: errors, status: .init(code: error.status))
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }

    private func page(version: Int?, request: Request, typed: String? = nil, errors: [FieldError] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let words = renderer.words(request)
        let (shown, policy) = try await services.policy.get(version: version)
        let versions = try await services.policy.versions()
        let facts = PolicyPage.Facts(shown: shown, policy: policy, latest: versions.map(\.version).max() ?? 0, versions: versions,
                                     windows: try await services.maintenance.list(), typed: typed, errors: errors,
                                     canEdit: RequestOrigin.current.may(.policyManage))
        return renderer.page("policy", title: words.text("policy_title"), model: PolicyPage.model(facts, words), request: request, status: status)
    }
}
