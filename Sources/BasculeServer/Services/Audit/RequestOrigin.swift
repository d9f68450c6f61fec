/// Who is asking and from where, for the audit trail. Set per request by
/// `RequestOriginMiddleware`; work done outside a request (start-up, the demo) is `system`.
public struct RequestOrigin: Sendable, Equatable {
    public var actor: String
    public var requestID: String?
    public var clientAddress: String?

    public init(actor: String, requestID: String? = nil, clientAddress: String? = nil) {
        self.actor = actor
        self.requestID = requestID
        self.clientAddress = clientAddress
    }

    public static let system = RequestOrigin(actor: "system")

    @TaskLocal public static var current = RequestOrigin.system
}
