import BasculeCore
import BasculeStore
import HTTPTypes

/// How a use case refuses a request. Each case knows its HTTP status, so the API and the web
/// pages answer the same thing for the same fault.
public enum ServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request itself is malformed (400).
    case badRequest([FieldError])
    /// Well-formed but against the rules of the fields (422).
    case invalid([FieldError])
    case notFound(String)
    /// Refused in the current state (409); `allowed` lists the statuses the release may move to.
    case conflict(String, allowed: [ReleaseStatus] = [])
    /// The client's copy is stale (412).
    case stale(current: Int)
    case unavailable(String)
    /// No valid credentials (401).
    case unauthorized(String)
    /// Signed in, but the roles do not allow it (403).
    case forbidden(String)
    /// Too many failed sign-ins (429); try again after this many seconds.
    case tooManyRequests(retryAfter: Int)
    /// It existed and is no more (410): a feedback link once its review is published.
    case gone(String)

    public init(_ error: CoreError) {
        switch error {
        case .invalid(let errors): self = .invalid(errors)
        case .forbiddenTransition(_, _, let allowed): self = .conflict(error.description, allowed: allowed)
        case .requirementsNotMet(_, let errors): self = .invalid(errors)
        case .notEditable, .notAllowed: self = .conflict(error.description)
        }
    }

    public var status: Int {
        switch self {
        case .badRequest: return 400
        case .invalid: return 422
        case .notFound: return 404
        case .conflict: return 409
        case .stale: return 412
        case .unavailable: return 503
        case .unauthorized: return 401
        case .forbidden: return 403
        case .tooManyRequests: return 429
        case .gone: return 410
        }
    }

    public var fieldErrors: [FieldError] {
        switch self {
        case .badRequest(let errors), .invalid(let errors): return errors
        case .notFound, .conflict, .stale, .unavailable, .unauthorized, .forbidden, .tooManyRequests, .gone: return []
        }
    }

    public var description: String {
        switch self {
        case .badRequest(let errors): return "the request is malformed: " + errors.map(\.description).joined(separator: "; ")
        case .invalid(let errors): return errors.map(\.description).joined(separator: "; ")
        case .notFound(let what): return "\(what) does not exist"
        case .conflict(let reason, _): return reason
        case .stale(let current):
            return "the resource changed since it was read (it is now at revision \(current)); read it again and retry"
        case .unavailable(let reason): return reason
        case .unauthorized(let reason): return reason
        case .forbidden(let reason): return reason
        case .tooManyRequests(let seconds): return "too many failed sign-ins; try again in \(seconds) s"
        case .gone(let reason): return reason
        }
    }
}

extension ServiceError {
    /// Headers that go with the status: how to authenticate after a 401, when to retry after a 429.
    public var headers: HTTPFields {
        switch self {
        case .unauthorized: return [.wwwAuthenticate: #"Bearer realm="bascule""#]
        case .tooManyRequests(let seconds): return [.retryAfter: String(seconds)]
        default: return [:]
        }
    }
}

extension ServiceError {
    /// Maps the errors that services let through from Core and the store.
    static func from(_ error: any Error) -> (any Error) {
        switch error {
        case let error as CoreError: return ServiceError(error)
        case StoreError.invalidCursor: return ServiceError.badRequest([FieldError("cursor", StoreError.invalidCursor.description)])
        case StoreError.duplicate(let what): return ServiceError.conflict("\(what) already exists")
        default: return error
        }
    }
}

/// Runs `body` and turns Core and store refusals into `ServiceError`s.
func refusing<R>(_ body: () async throws -> R) async throws -> R {
    do {
        return try await body()
    } catch {
        throw ServiceError.from(error)
    }
}
