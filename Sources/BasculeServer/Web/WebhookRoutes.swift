import BasculeCore
import Foundation
import Hummingbird

/// The webhooks page, one endpoint's delivery log, and their forms.
struct WebhookRoutes<Context: RequestContext>: Sendable {
    let services: BasculeServices
    let renderer: PageRenderer

    func register(on router: Router<Context>) {
        router.get("/webhooks", use: list)
        router.post("/webhooks", use: create)
        router.get("/webhooks/{id}", use: show)
        router.post("/webhooks/{id}/{control}", use: control)
        router.post("/webhooks/{id}/deliveries/{delivery}/replay", use: replay)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try await page(request)
    }

    /// The secret is shown on the page that answers the form, never again: no redirect.
    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let fields = try await WebRoutes<Context>.form(request)
        return try await acting(request) {
            let secret = fields["secret"].flatMap { $0.isEmpty ? nil : $0 }
            let (endpoint, made) = try await services.webhooks.create(
                name: fields["name"] ?? "", url: fields["url"] ?? "", kinds: NotificationRoutes<Context>.checked(fields, prefix: "kind."),
                format: fields["format"], secret: secret)
            return try await page(request, secret: secret == nil ? (endpoint.name, made) : nil)
        }
    }

    @Sendable func control(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        let control = try context.parameters.require("control")
        return try await acting(request) {
            switch control {
            case "enable", "disable":
                _ = try await services.webhooks.update(id, WebhookService.Changes(enabled: control == "enable"))
                return WebRoutes<Context>.redirect("/webhooks?done=webhook_\(control)d")
            case "rotate":
                let endpoint = try await services.webhooks.get(id)
                return try await page(request, secret: (endpoint.name, try await services.webhooks.rotate(id, secret: nil)))
            case "delete":
                try await services.webhooks.delete(id)
                return WebRoutes<Context>.redirect("/webhooks?done=webhook_deleted")
            default:
                return renderer.errorPage("There is nothing at this address.", request: request, status: .notFound)
            }
        }
    }

    @Sendable func replay(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id"), delivery = try context.parameters.require("delivery")
        return try await acting(request) {
            try await services.webhooks.replay(delivery, of: id)
            return WebRoutes<Context>.redirect("/webhooks/\(id)?done=delivery_replayed")
        }
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        let words = renderer.words(request)
        let parameters = request.uri.queryParameters
        let state = parameters.get("state").flatMap { $0.isEmpty ? nil : $0 }
        do {
            let endpoint = try await services.webhooks.get(id)
            let deliveries = try await services.webhooks.deliveries(of: id, state: state, limit: 50, cursor: parameters.get("cursor").flatMap { $0.isEmpty ? nil : $0 })
            let opened = try await parameters.get("delivery").asyncMap { try await services.webhooks.delivery($0, of: id) }
            let model = WebhookPage.model(endpoint, deliveries: deliveries, opened: opened, state: state, words)
            return renderer.page("webhook", title: endpoint.name, model: model, request: request)
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }

    private func acting(_ request: Request, _ body: () async throws -> Response) async throws -> Response {
        try await renderer.acting(request, page: { try await page(request, errors: $0, status: $1) }, body)
    }

    private func page(_ request: Request, secret: (String, String)? = nil, errors: [FieldError] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let words = renderer.words(request)
        do {
            let model = WebhooksPage.model(try await services.webhooks.list(), secret: secret, errors: errors, words)
            var response = renderer.page("webhooks", title: words.text("webhooks_title"), model: model, request: request, status: status)
            if secret != nil { response.headers[.cacheControl] = "no-store" }
            return response
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
