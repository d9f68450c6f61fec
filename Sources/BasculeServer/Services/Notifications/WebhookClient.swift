import AsyncHTTPClient
import BasculeCore
import Foundation
import NIOCore
import NIOHTTP1

/// Posts webhooks. Its own HTTP client: a slow or silent receiver holds one of its connections
/// for at most `DeliveryPlan.timeout`, never a request of the server's.
struct WebhookClient: Sendable {
    let http: HTTPClient

    static func make() -> WebhookClient {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(Int64(DeliveryPlan.timeout)))
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 16)
        return WebhookClient(http: HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration))
    }

    func shutdown() async {
        try? await http.shutdown()
    }

    func post(_ url: String, body: String, headers: [(String, String)]) async -> DeliveryResult {
        let started = ContinuousClock.now
        func millis() -> Int { Int((ContinuousClock.now - started) / .milliseconds(1)) }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Bascule/\(BasculeVersion.current)")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: body))
        do {
            let response = try await http.execute(request, timeout: .seconds(Int64(DeliveryPlan.timeout)))
            let answer = (try? await response.body.collect(upTo: 64 * 1024)).map { String(buffer: $0) } ?? ""
            return DeliveryResult(status: Int(response.status.code), answer: answer, millis: millis())
        } catch {
            return DeliveryResult(status: nil, answer: Self.reason(error), millis: millis())
        }
    }

    /// Why there was no answer, in a line an operator can act on.
    static func reason(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout: return "no answer within \(Int(DeliveryPlan.timeout)) s"
            case .connectTimeout: return "could not connect within 5 s"
            default: break
            }
        }
        let text = String(describing: error)
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        return String(text.prefix(300))
    }
}
