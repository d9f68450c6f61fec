import Foundation

/// Everything known about a release that a gate may look at: its plan, changes, documents,
/// test evidence and approvals, and the time of the question. The release policy and the risk
/// score read it; they never fetch anything themselves.
public struct ReleaseDossier: Sendable {
    public let release: Release
    public let plan: ReleasePlan
    public let changes: [Change]
    /// The documents that exist with some content.
    public let documents: Set<DocumentKind>
    public let campaigns: [TestCampaign]
    /// The latest approval round, open or voided; nil when approval was never requested.
    public let approvals: ApprovalRound?
    /// The moment of the question: lead times and overdue milestones count from it.
    public let now: Date
    /// What clashes with the release's window in the calendar; nil when not looked up.
    public let conflicts: [Conflict]?
    /// The cutover runbook; nil when not looked up (only policies with a runbook rule need it).
    public let runbook: Runbook?
    /// The rehearsals run so far, oldest first.
    public let rehearsals: [RehearsalRecord]
    /// Its post-implementation review; nil when it has none or it was not looked up.
    public var review: Review? = nil
    /// The overdue actions of earlier reviews of the same application; nil when not looked up.
    public var overdueReviewActions: [ActionItem]? = nil
    /// What it depends on (and what depends on it); nil when not looked up.
    public var dependencies: [ReleaseDependency]? = nil
    /// Where each release it depends on stands; nil when not looked up.
    public var dependencyStandings: [ReleaseKey: DependencyRules.Standing]? = nil
    /// The environments it goes through before its own, with where it stands on each.
    public var promotion: PromotionPath? = nil

    public init(release: Release, plan: ReleasePlan = ReleasePlan(), changes: [Change] = [], documents: Set<DocumentKind> = [],
                campaigns: [TestCampaign] = [], approvals: ApprovalRound? = nil, now: Date, conflicts: [Conflict]? = nil,
                runbook: Runbook? = nil, rehearsals: [RehearsalRecord] = []) {
        self.release = release
        self.plan = plan
        self.changes = changes
        self.documents = documents
        self.campaigns = campaigns
        self.approvals = approvals
        self.now = now
        self.conflicts = conflicts
        self.runbook = runbook
        self.rehearsals = rehearsals
    }

    /// The highest of the changes' risks and of the open risks in the register.
    public var riskLevel: RiskLevel {
        let fromChanges = changes.filter { $0.fields.status != .cancelled && $0.fields.status != .rejected }.map(\.fields.risk)
        let fromRegister = plan.risks.filter { $0.status == .open || $0.status == .accepted }.map(\.level)
        return (fromChanges + fromRegister).max() ?? .low
    }
}

/// What a gate needs to know of a rehearsal.
public struct RehearsalRecord: Sendable, Equatable {
    public let status: RunStatus
    public let startedAt: Date?
    public let endedAt: Date?
    /// Seconds of interruption its rolling updates measured from outside; nil when none measured any.
    public let measuredInterruption: TimeInterval?

    public init(status: RunStatus, startedAt: Date?, endedAt: Date?, measuredInterruption: TimeInterval? = nil) {
        self.status = status
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.measuredInterruption = measuredInterruption
    }
}
