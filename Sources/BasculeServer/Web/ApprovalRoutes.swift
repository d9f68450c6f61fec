import BasculeCore
import Foundation
import Hummingbird

/// The approvals inbox and the approval forms of the release page.
struct ApprovalRoutes<Context: RequestContext>: Sendable {
    let services: BasculeServices
    let renderer: PageRenderer
    let formatting: WebFormatting

    func register(on router: Router<Context>) {
        router.get("/approvals", use: inbox)
        router.post("/releases/{key}/approvals/request", use: request)
        router.post("/releases/{key}/approvals/decisions", use: decide)
    }

    @Sendable func inbox(_ request: Request, context: Context) async throws -> Response {
        let words = renderer.words(request)
        let canDecide = RequestOrigin.current.may(.approvalDecide)
        do {
            let items = canDecide ? try await services.approvals.inbox() : try await services.approvals.pending()
            let model = ApprovalsPage.model(items.map { ($0.release, $0.round) }, canDecide: canDecide, words)
            return renderer.page("approvals", title: model.heading, model: model, request: request)
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }

    @Sendable func request(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        return try await act(key, request, done: "requested") { _ in _ = try await services.approvals.request(key) }
    }

    @Sendable func decide(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        return try await act(key, request, done: "decided") { fields in
            guard let decision = fields["decision"].flatMap(ApprovalDecisionKind.init(rawValue:)) else {
                throw ServiceError.badRequest([FieldError("decision", "must be approve, reject or approveWithConditions")])
            }
            _ = try await services.approvals.decide(key, decision: decision, comment: fields["comment"] ?? "", conditions: fields["conditions"] ?? "")
        }
    }

    /// Runs the action and goes back where the form came from (the approvals tab unless it
    /// says `return`), with a message saying it was done; a refusal is shown on the page.
    private func act(_ key: String, _ request: Request, done: String, _ body: ([String: String]) async throws -> Void) async throws -> Response {
        let fields = try await WebRoutes<Context>.form(request)
        do {
            try await body(fields)
            let back = SitePath.local(fields["return"], fallback: "/releases/\(key.uppercased())?tab=approvals")
            return WebRoutes<Context>.redirect(back + (back.contains("?") ? "&" : "?") + "done=\(done)")
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }
}
