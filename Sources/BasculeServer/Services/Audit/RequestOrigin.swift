import BasculeCore

/// Who is asking and from where. Set per request by `AuthenticationMiddleware`; work done
/// outside a request (start-up, the demo, local admin commands) is `system`.
public struct RequestOrigin: Sendable, Equatable {
    public var principal: Principal
    public var requestID: String?
    public var clientAddress: String?
    /// The web session's anti-forgery token, which every form of the pages carries.
    public var csrfToken: String?

    public init(principal: Principal, requestID: String? = nil, clientAddress: String? = nil, csrfToken: String? = nil) {
        self.principal = principal
        self.requestID = requestID
        self.clientAddress = clientAddress
        self.csrfToken = csrfToken
    }

    public var actor: String { principal.name }

    /// Whether the principal holds `permission`: for showing only the actions a person may take.
    public func may(_ permission: Permission) -> Bool {
        switch principal {
        case .system: return true
        case .anonymous: return false
        case .user(let identity): return identity.may(permission)
        }
    }

    public static let system = RequestOrigin(principal: .system)

    @TaskLocal public static var current = RequestOrigin.system
}
