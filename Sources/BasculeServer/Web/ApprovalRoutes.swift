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
        let language = Language.of(request)
        let items: [ApprovalService.InboxItem]
        do {
            items = try await services.approvals.inbox()
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
        let views = ReleaseViews(localizer: renderer.localizer, formatting: formatting)
        let model: [String: Any] = [
            "items": items.map { item -> [String: Any] in
                var row = views.row(item.release, language)
                row["requestedBy"] = item.round.requestedBy
                row["requestedAt"] = formatting.display(item.round.requestedAt, language)
                row["needs"] = item.round.requirements.map { "\(item.round.approvers(for: $0).count)/\($0.count) \($0.roles.map(\.rawValue).joined(separator: "/"))" }.joined(separator: ", ")
                row["href"] = "/releases/\(item.release.key)?tab=approvals"
                return row
            },
            "hasItems": !items.isEmpty,
        ]
        return renderer.render("approvals", title: renderer.localizer.text("inbox_title", language), page: model, request: request)
    }

    @Sendable func request(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        return try await act(key, request) { _ in _ = try await services.approvals.request(key) }
    }

    @Sendable func decide(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        return try await act(key, request) { fields in
            guard let decision = fields["decision"].flatMap(ApprovalDecisionKind.init(rawValue:)) else {
                throw ServiceError.badRequest([FieldError("decision", "must be approve, reject or approveWithConditions")])
            }
            _ = try await services.approvals.decide(key, decision: decision, comment: fields["comment"] ?? "", conditions: fields["conditions"] ?? "")
        }
    }

    /// Runs the action and goes back to the approvals tab; a refusal is shown there.
    private func act(_ key: String, _ request: Request, _ body: ([String: String]) async throws -> Void) async throws -> Response {
        let fields = try await WebRoutes<Context>.form(request)
        do {
            try await body(fields)
            return WebRoutes<Context>.redirect("/releases/\(key.uppercased())?tab=approvals")
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }
}
