import Foundation
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// A real HTTP receiver on a free port of 127.0.0.1 that keeps what it is sent; it answers
/// `status` (500 makes the sender retry).
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        let headers: [String: String]
        let body: String
    }

    private let received = NIOLockedValueBox<[Received]>([])
    let status = NIOLockedValueBox<Int>(200)

    var all: [Received] { received.withLockedValue { $0 } }

    /// Runs `body` with the receiver's URL while it listens.
    static func with(_ body: @Sendable (WebhookReceiver, String) async throws -> Void) async throws {
        let receiver = WebhookReceiver()
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            receiver.received.withLockedValue { $0.append(Received(headers: headers, body: String(buffer: bytes))) }
            return Response(status: .init(code: receiver.status.withLockedValue { $0 }))
        }
        let port = NIOLockedValueBox<Int?>(nil)
        var logger = Logger(label: "receiver")
        logger.logLevel = .critical
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in port.withLockedValue { $0 = channel.localAddress?.port } }, logger: logger)
        let server = Task { try await app.runService() }
        defer { server.cancel() }
        var waited = 0
        while port.withLockedValue({ $0 }) == nil, waited < 500 {
            try await Task.sleep(for: .milliseconds(10))
            waited += 1
        }
        guard let bound = port.withLockedValue({ $0 }) else { throw CancellationError() }
        try await body(receiver, "http://127.0.0.1:\(bound)/hook")
    }

    /// Waits until `count` requests came, at most `seconds`.
    func wait(for count: Int, seconds: Double = 15) async throws {
        let end = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while all.count < count, ContinuousClock.now < end { try await Task.sleep(for: .milliseconds(20)) }
    }
}
