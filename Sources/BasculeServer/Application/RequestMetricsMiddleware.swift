import Hummingbird
import Logging

/// Counts and times every request for `/metrics`, by the matched route's pattern; and, when
/// asked (`accessLog`), writes one log line per request with its request id, so that JSON
/// logs can be followed from the proxy to the database.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics
    let accessLog: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let clock = ContinuousClock(), start = clock.now
        do {
            let response = try await next(request, context)
            record(request, context, status: Int(response.status.code), duration: clock.now - start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError).map { Int($0.status.code) } ?? (error as? ServiceError).map(\.status) ?? 500
            record(request, context, status: status, duration: clock.now - start)
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, status: Int, duration: Duration) {
        let route = context.endpointPath ?? (status == 404 ? "unmatched" : "other")
        metrics.request(route: route, method: request.method.rawValue, status: status, duration: duration)
        guard accessLog else { return }
        let (seconds, attoseconds) = duration.components
        context.logger.info("request", metadata: [
            "method": "\(request.method.rawValue)", "path": "\(request.uri.path)", "route": "\(route)", "status": "\(status)",
            "duration_ms": "\(Double(seconds) * 1000 + Double(attoseconds) / 1e15)",
        ])
    }
}
