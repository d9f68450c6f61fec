import BasculeCore
import Foundation
import Hummingbird

/// The environments page and its forms: add an environment, say what one mirrors, record a refresh.
struct EnvironmentRoutes<Context: RequestContext>: Sendable {
    let services: BasculeServices
    let renderer: PageRenderer

    func register(on router: Router<Context>) {
        router.get("/environments", use: show)
        router.post("/environments", use: create)
        router.post("/environments/{name}/mirror", use: mirror)
        router.post("/environments/{name}/refresh", use: refresh)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        try await page(request)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let fields = try await WebRoutes<Context>.form(request)
        return try await acting(request) {
            guard let kind = EnvironmentKind(rawValue: fields["kind"] ?? "") else {
                throw ServiceError.invalid([FieldError("kind", "must be development, test, preproduction or production")])
            }
            let orderText = (fields["order"] ?? "").trimmingCharacters(in: .whitespaces)
            guard orderText.isEmpty || Int(orderText) != nil else { throw ServiceError.invalid([FieldError("order", "must be a whole number")]) }
            _ = try await services.environments.create(name: fields["name"] ?? "", kind: kind, order: Int(orderText))
            return WebRoutes<Context>.redirect("/environments?done=environment_created")
        }
    }

    @Sendable func mirror(_ request: Request, context: Context) async throws -> Response {
        let name = try context.parameters.require("name")
        let fields = try await WebRoutes<Context>.form(request)
        return try await acting(request) {
            _ = try await services.environments.setMirror(of: name.removingPercentEncoding ?? name, to: fields["mirrors"])
            return WebRoutes<Context>.redirect("/environments?done=environment_mirror")
        }
    }

    @Sendable func refresh(_ request: Request, context: Context) async throws -> Response {
        let name = try context.parameters.require("name")
        return try await acting(request) {
            _ = try await services.environments.refresh(name.removingPercentEncoding ?? name)
            return WebRoutes<Context>.redirect("/environments?done=environment_refreshed")
        }
    }

    private func acting(_ request: Request, _ body: () async throws -> Response) async throws -> Response {
        try await renderer.acting(request, page: { try await page(request, errors: $0, status: $1) }, body)
    }

    private func page(_ request: Request, errors: [FieldError] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let words = renderer.words(request)
        do {
            let model = EnvironmentsPage.model(try await services.environments.all(), now: Date(), errors: errors, words)
            return renderer.page("environments", title: words.text("environments_title"), model: model, request: request, status: status)
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }
}
