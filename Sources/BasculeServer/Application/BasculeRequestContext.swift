import Hummingbird

/// The per-request context of every route. Identity and request ids will live here.
public struct BasculeRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// Forms and JSON bodies are small; larger uploads get their own limits later.
    public var maxUploadSize: Int { 4 * 1024 * 1024 }
}
