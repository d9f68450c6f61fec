import BasculeCore
import Foundation
import Hummingbird

/// The agents page and its forms: a registration token, disable, enable, revoke.
struct AgentPageRoutes<Context: RequestContext>: Sendable {
    let services: BasculeServices
    let renderer: PageRenderer

    func register(on router: Router<Context>) {
        router.get("/agents", use: agents)
        router.post("/agents/token", use: token)
        router.post("/agents/{name}/{control}", use: control)
    }

    @Sendable func agents(_ request: Request, context: Context) async throws -> Response {
        try await page(request)
    }

    /// The token is shown on the page that answers the form, never again: no redirect.
    @Sendable func token(_ request: Request, context: Context) async throws -> Response {
        do {
            return try await page(request, newToken: try await services.agents.createRegistrationToken())
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }

    @Sendable func control(_ request: Request, context: Context) async throws -> Response {
        let name = try context.parameters.require("name")
        guard let control = AgentService.Control(rawValue: try context.parameters.require("control")) else {
            return renderer.errorPage("There is nothing at this address.", request: request, status: .notFound)
        }
        do {
            try await services.agents.control(name, control)
            return WebRoutes<Context>.redirect("/agents?done=agent_\(control.rawValue)")
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }

    private func page(_ request: Request, newToken: (secret: String, expiresAt: Date)? = nil) async throws -> Response {
        let words = renderer.words(request)
        do {
            let list = try await services.agents.list()
            let host = request.head.authority ?? "127.0.0.1:8080"
            let model = AgentsPage.model(list, settings: services.agents.settings, now: Date(), serverURL: "http://\(host)", newToken: newToken, words)
            return renderer.page("agents", title: words.text("agents_title"), model: model, request: request)
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }
}
