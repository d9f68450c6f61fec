import BasculeCore

/// Who is asking and from where. Set per request by `AuthenticationMiddleware`. Outside a
/// request nobody is asking: the default is `anonymous`, which every permission check refuses,
/// so a detached task or a background worker gets no right by accident. Work that is meant
/// to act for the system (start-up, the demo, local admin commands) says so with `asSystem`.
public struct RequestOrigin: Sendable, Equatable {
    public var principal: Principal
    public var requestID: String?
    public var clientAddress: String?
    /// The web session's anti-forgery token, which every form of the pages carries.
    public var csrfToken: String?
    /// What the principal signed in with, so that a long-lived answer (an event stream) can
    /// check that it still stands.
    public var credential: Credential?

    public enum Credential: Sendable, Equatable {
        case bearer(String)
        case session(String)
    }

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
        case .anonymous, .agent: return false
        case .user(let identity): return identity.may(permission)
        }
    }

    public static let system = RequestOrigin(principal: .system)

    @TaskLocal public static var current = RequestOrigin(principal: .anonymous)

    /// Runs `body` as the system, which holds every permission: for start-up, the demo and
    /// local admin commands, never for work a request asked for.
    public static func asSystem<R>(_ body: () async throws -> R) async rethrows -> R {
        try await $current.withValue(.system, operation: body)
    }
}
