import Hummingbird
import NIOCore

/// The per-request context of every route. Identity will live here too.
public struct BasculeRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's IP address. Behind a reverse proxy this is the proxy's: forwarded headers
    /// are not trusted, since any client could send them.
    public let clientAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Forms and JSON bodies are small; larger uploads get their own limits later.
    public var maxUploadSize: Int { 4 * 1024 * 1024 }

    var requestID: String? { logger[metadataKey: "hb.request.id"]?.description }
}
