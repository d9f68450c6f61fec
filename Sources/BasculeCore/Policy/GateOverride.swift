import Foundation

/// A failing gate pushed through by someone the policy allows, with a reason. Kept on the
/// release for everyone to see, and in the audit trail.
public struct GateOverride: Sendable, Equatable {
    public let id: UUID
    public let target: ReleaseStatus
    /// The rules that failed and were overridden.
    public let rules: [String]
    public let reason: String
    public let actor: String
    public let at: Date

    public init(id: UUID = UUID(), target: ReleaseStatus, rules: [String], reason: String, actor: String, at: Date) {
        self.id = id
        self.target = target
        self.rules = rules
        self.reason = reason
        self.actor = actor
        self.at = at
    }
}

/// A stored version of the policy document.
public struct PolicyVersion: Sendable, Equatable {
    public let version: Int
    public let document: String
    public let author: String
    public let at: Date

    public init(version: Int, document: String, author: String, at: Date) {
        self.version = version
        self.document = document
        self.author = author
        self.at = at
    }
}
