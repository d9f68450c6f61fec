import BasculeCore
import Hummingbird

/// The unread count of the signed-in person's inbox, read once per page request so that
/// every page's header shows it without each route asking.
enum InboxBadge {
    @TaskLocal static var unread = 0
}

struct InboxBadgeMiddleware<Context: RequestContext>: RouterMiddleware {
    let notifications: NotificationService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Pages only: the API, the agents' protocol, streams and files do not show a header.
        let path = request.uri.path
        guard request.method == .get, !path.hasPrefix("/api/"), !path.hasPrefix("/static/"), !path.hasSuffix("/events"), path != "/health", path != "/metrics" else {
            return try await next(request, context)
        }
        let unread = await notifications.unread()
        return try await InboxBadge.$unread.withValue(unread) { try await next(request, context) }
    }
}
