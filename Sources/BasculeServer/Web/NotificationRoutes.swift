import BasculeCore
import Foundation
import Hummingbird

/// One's notifications page and its forms; following a release and its stakeholders from
/// the release page.
struct NotificationRoutes<Context: RequestContext>: Sendable {
    let services: BasculeServices
    let renderer: PageRenderer
    private var releasePage: ReleasePageRenderer { ReleasePageRenderer(services: services, renderer: renderer) }

    func register(on router: Router<Context>) {
        router.get("/notifications", use: show)
        router.post("/notifications/read", use: markRead)
        router.post("/notifications/test", use: test)
        router.post("/notifications/settings", use: settings)
        router.post("/notifications/subscriptions", use: subscribe)
        router.post("/notifications/subscriptions/{id}/delete", use: unsubscribe)
        router.post("/releases/{key}/follow", use: follow)
        router.post("/releases/{key}/stakeholders", use: addStakeholder)
        router.post("/releases/{key}/stakeholders/{kind}/{name}/remove", use: removeStakeholder)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        try await page(request)
    }

    @Sendable func markRead(_ request: Request, context: Context) async throws -> Response {
        let fields = try await WebRoutes<Context>.form(request)
        return try await acting(request) {
            try await services.notifications.markRead(fields["id"].flatMap(Int64.init).map { [$0] })
            return WebRoutes<Context>.redirect("/notifications")
        }
    }

    @Sendable func test(_ request: Request, context: Context) async throws -> Response {
        try await acting(request) {
            switch try await services.notifications.test().email {
            case .ready, .off: return WebRoutes<Context>.redirect("/notifications?done=notification_test")
            case .failing(let why): return try await page(request, errors: [FieldError("email", why)], status: .badGateway)
            }
        }
    }

    @Sendable func settings(_ request: Request, context: Context) async throws -> Response {
        let fields = try await WebRoutes<Context>.form(request)
        return try await acting(request) {
            try await services.notifications.setLanguage(fields["language"] ?? "")
            return WebRoutes<Context>.redirect("/notifications?done=notification_settings#settings")
        }
    }

    @Sendable func subscribe(_ request: Request, context: Context) async throws -> Response {
        let fields = try await WebRoutes<Context>.form(request)
        return try await acting(request) {
            _ = try await services.notifications.subscribe(
                scope: fields["scope"] ?? "", value: fields["value"] ?? "",
                kinds: Self.checked(fields, prefix: "kind."), channels: Self.checked(fields, prefix: "channel."))
            return WebRoutes<Context>.redirect("/notifications?done=subscribed#subscriptions")
        }
    }

    @Sendable func unsubscribe(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        return try await acting(request) {
            try await services.notifications.unsubscribe(id)
            return WebRoutes<Context>.redirect("/notifications?done=unsubscribed#subscriptions")
        }
    }

    /// Follows the release in the inbox and by e-mail, or stops following it.
    @Sendable func follow(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        let fields = try await WebRoutes<Context>.form(request)
        return try await releasePage.acting(on: key, request) {
            if let id = fields["subscription"], !id.isEmpty {
                try await services.notifications.unsubscribe(id)
                return WebRoutes<Context>.redirect("/releases/\(key)?done=unfollowed#stakeholders")
            }
            _ = try await services.notifications.subscribe(scope: "release", value: key, kinds: [], channels: ["inbox", "email"])
            return WebRoutes<Context>.redirect("/releases/\(key)?done=followed#stakeholders")
        }
    }

    @Sendable func addStakeholder(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        let fields = try await WebRoutes<Context>.form(request)
        return try await releasePage.acting(on: key, request) {
            try await services.notifications.addStakeholder(to: key, kind: fields["kind"] ?? "", name: fields["name"] ?? "", language: fields["language"])
            return WebRoutes<Context>.redirect("/releases/\(key)?done=stakeholder_added#stakeholders")
        }
    }

    @Sendable func removeStakeholder(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        let kind = try context.parameters.require("kind"), name = try context.parameters.require("name")
        return try await releasePage.acting(on: key, request) {
            try await services.notifications.removeStakeholder(from: key, kind: kind, name: name.removingPercentEncoding ?? name)
            return WebRoutes<Context>.redirect("/releases/\(key)?done=stakeholder_removed#stakeholders")
        }
    }

    static func checked(_ fields: [String: String], prefix: String) -> [String] {
        fields.keys.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }.sorted()
    }

    /// A refusal with fields comes back on the page; one without is the error page.
    private func acting(_ request: Request, _ body: () async throws -> Response) async throws -> Response {
        try await renderer.acting(request, page: { try await page(request, errors: $0, status: $1) }, body)
    }

    private func page(_ request: Request, errors: [FieldError] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let words = renderer.words(request)
        let parameters = request.uri.queryParameters
        let onlyUnread = parameters.get("unread") != nil
        do {
            let inbox = try await services.notifications.inbox(unreadOnly: onlyUnread, cursor: parameters.get("cursor").flatMap { $0.isEmpty ? nil : $0 })
            let model = NotificationsPage.model(inbox, onlyUnread: onlyUnread, subscriptions: try await services.notifications.subscriptions(),
                                                language: try await services.notifications.language(), errors: errors, words)
            return renderer.page("notifications", title: words.text("notifications_title"), model: model, request: request, status: status)
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }
}
