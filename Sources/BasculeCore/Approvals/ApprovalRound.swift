import Foundation

public enum ApprovalDecisionKind: String, Sendable, CaseIterable, Codable {
    case approve, reject, approveWithConditions
}

/// What the policy asks for: `count` distinct people holding one of `roles`, for rule `rule`.
public struct ApprovalRequirement: Sendable, Equatable, Codable {
    public let rule: String
    public let roles: [Role]
    public let count: Int

    public init(rule: String, roles: [Role], count: Int) {
        self.rule = rule
        self.roles = roles
        self.count = count
    }
}

public struct ApprovalDecision: Sendable, Equatable {
    public let approver: String
    /// The approver's roles when they decided: a later change of role does not rewrite history.
    public let roles: Set<Role>
    public let decision: ApprovalDecisionKind
    public let comment: String
    public let conditions: String
    public let at: Date

    public init(approver: String, roles: Set<Role>, decision: ApprovalDecisionKind, comment: String, conditions: String = "", at: Date) {
        self.approver = approver
        self.roles = roles
        self.decision = decision
        self.comment = comment
        self.conditions = conditions
        self.at = at
    }
}

/// One request for approval of a release and the decisions it collected. A round stays open
/// until the scope changes (then it is voided, and says why) or a new round replaces it.
public struct ApprovalRound: Sendable, Equatable {
    public enum Status: String, Sendable, Codable { case open, voided }
    public let id: UUID
    public let requestedBy: String
    public let requestedAt: Date
    public let requirements: [ApprovalRequirement]
    public var decisions: [ApprovalDecision]
    public var status: Status
    public var voidReason: String?
    public var voidedAt: Date?

    public init(id: UUID = UUID(), requestedBy: String, requestedAt: Date, requirements: [ApprovalRequirement],
                decisions: [ApprovalDecision] = [], status: Status = .open, voidReason: String? = nil, voidedAt: Date? = nil) {
        self.id = id
        self.requestedBy = requestedBy
        self.requestedAt = requestedAt
        self.requirements = requirements
        self.decisions = decisions
        self.status = status
        self.voidReason = voidReason
        self.voidedAt = voidedAt
    }

    /// The people whose approval counts towards `requirement`.
    public func approvers(for requirement: ApprovalRequirement) -> [String] {
        decisions.filter { $0.decision != .reject && !$0.roles.isDisjoint(with: requirement.roles) }.map(\.approver)
    }

    public func isSatisfied(_ requirement: ApprovalRequirement) -> Bool {
        approvers(for: requirement).count >= requirement.count
    }

    public var rejections: [ApprovalDecision] { decisions.filter { $0.decision == .reject } }

    /// Quorum reached on every requirement and nobody rejected.
    public var isApproved: Bool { status == .open && rejections.isEmpty && requirements.allSatisfy(isSatisfied) }

    /// Records `decision`, or says why this person may not decide now. Separation of duties:
    /// whoever asked for this approval, owns the release or requested one of its changes never
    /// decides on it, whatever roles they hold.
    /// - Parameters:
    ///   - changeRequesters: who requested each change of the release.
    ///   - releaseOwner: the release's owner, as its plan names them.
    public func deciding(_ decision: ApprovalDecision, changeRequesters: [ChangeKey: String], releaseOwner: String? = nil) throws(CoreError) -> ApprovalRound {
        guard status == .open else {
            throw .notAllowed("the approval round was voided (\(voidReason ?? "scope changed")); request approval again")
        }
        if decisions.contains(where: { $0.approver == decision.approver }) {
            throw .notAllowed("\(decision.approver) has already decided on this release in this round")
        }
        if decision.approver == requestedBy {
            throw .notAllowed("\(decision.approver) requested this approval; whoever asks for approval never counts towards its quorum")
        }
        if let owner = releaseOwner?.trimmingCharacters(in: .whitespaces).lowercased(), owner == decision.approver.lowercased() {
            throw .notAllowed("\(decision.approver) owns this release; its owner never counts towards its quorum")
        }
        let own = changeRequesters.filter { $0.value == decision.approver }.keys.sorted()
        if let first = own.first {
            throw .notAllowed("\(decision.approver) requested \(first) in this release; the requester of a change never approves it")
        }
        let needed = Set(requirements.flatMap(\.roles))
        if !needed.isEmpty, needed.isDisjoint(with: decision.roles) {
            let names = Role.allCases.filter(needed.contains).map(\.rawValue).joined(separator: ", ")
            throw .notAllowed("this round needs approvals from \(names); \(decision.approver) holds none of these roles")
        }
        if decision.decision != .approve, decision.comment.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw .invalid([FieldError("comment", "is required to reject or to approve with conditions")])
        }
        if decision.decision == .approveWithConditions, decision.conditions.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw .invalid([FieldError("conditions", "are required to approve with conditions")])
        }
        var next = self
        next.decisions.append(decision)
        return next
    }

    public func voided(because reason: String, at now: Date) -> ApprovalRound {
        var next = self
        next.status = .voided
        next.voidReason = reason
        next.voidedAt = now
        return next
    }
}
