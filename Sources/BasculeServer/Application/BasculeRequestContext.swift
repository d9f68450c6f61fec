import Hummingbird
import NIOCore

/// The per-request context of every route. Identity will live here too.
public struct BasculeRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's IP address. Behind a reverse proxy this is the proxy's; the client's own is
    /// read from `X-Forwarded-For` only when the peer is a trusted proxy (`TrustedProxies`).
    public let clientAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Set per page by `InputTextMiddleware` (`BodyLimits`); API bodies are limited per
    /// operation in `ProblemMiddleware`.
    public var maxUploadSize: Int = BodyLimits.standard

    var requestID: String? { logger[metadataKey: "hb.request.id"]?.description }
}
