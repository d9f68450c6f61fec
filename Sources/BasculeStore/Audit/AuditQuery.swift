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
    /// `head` is the last event's hash: written down elsewhere (a ticket, a report), it lets a
    /// later check prove that the trail was not rewritten wholesale since.
    case intact(events: Int, head: String)
    /// Every place where the chain does not hold, in order, and how many events were read.
    case broken([AuditBreak], events: Int)
}

/// One place where the chain does not hold: the event, and why.
public struct AuditBreak: Sendable, Equatable, CustomStringConvertible {
    public let sequence: Int
    public let reason: String

    public init(sequence: Int, reason: String) {
        self.sequence = sequence
        self.reason = reason
    }

    public var description: String { "event \(sequence): \(reason)" }
}

extension AuditVerification {
    /// How many events an intact trail holds; nil when it is broken.
    public var intactEvents: Int? {
        if case .intact(let events, _) = self { return events }
        return nil
    }

    /// Where the chain does not hold; empty when it is intact.
    public var breaks: [AuditBreak] {
        if case .broken(let breaks, _) = self { return breaks }
        return []
    }
}
