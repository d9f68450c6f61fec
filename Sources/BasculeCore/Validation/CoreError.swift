/// Every rule of the domain that refuses something says so with this one type.
public enum CoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input itself is wrong (too long, missing, end before start...).
    case invalid([FieldError])
    /// The lifecycle forbids this move; `allowed` lists where the release may go instead.
    case forbiddenTransition(from: ReleaseStatus, to: ReleaseStatus, allowed: [ReleaseStatus])
    /// The move is allowed but the release lacks what the target status needs.
    case requirementsNotMet(to: ReleaseStatus, [FieldError])
    /// The release is in a status where it can no longer be changed this way.
    case notEditable(ReleaseStatus, reason: String)
    /// Refused in the current state of things, for the reason given (approving twice…).
    case notAllowed(String)

    public var description: String {
        switch self {
        case .invalid(let errors):
            return errors.map(\.description).joined(separator: "; ")
        case .forbiddenTransition(let from, let to, let allowed):
            let next = allowed.isEmpty ? "none" : allowed.map(\.rawValue).joined(separator: ", ")
            return "a release cannot go from \(from.rawValue) to \(to.rawValue) (allowed: \(next))"
        case .requirementsNotMet(let to, let errors):
            return "the release cannot become \(to.rawValue): " + errors.map(\.description).joined(separator: "; ")
        case .notAllowed(let reason):
            return reason
        case .notEditable(let status, let reason):
            return "a release in \(status.rawValue) cannot be changed: \(reason)"
        }
    }
}
