import Foundation

/// The filters of the audit trail.
public struct AuditQuery: Sendable, Equatable {
    public var target: String?
    public var actor: String?
    public var from: Date?
    public var to: Date?

    public init(target: String? = nil, actor: String? = nil, from: Date? = nil, to: Date? = nil) {
        self.target = target
        self.actor = actor
        self.from = from
        self.to = to
    }
}

/// The outcome of walking the chain.
public enum AuditVerification: Sendable, Equatable {
    case intact(events: Int)
    /// The first event at which the chain does not hold, and why.
    case broken(sequence: Int, reason: String)
}
