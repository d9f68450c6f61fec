/// The state machine of a release. It knows only which moves exist; whether a given release
/// may make one is decided by the transition guards (see `TransitionGuard`).
public enum ReleaseLifecycle {
    /// The moves every release may make.
    static let edges: [ReleaseStatus: [ReleaseStatus]] = [
        .draft: [.planned, .cancelled],
        // Back to draft lets a manager re-plan from scratch before approval.
        .planned: [.approved, .draft, .cancelled],
        // Back to planned when the plan changes after approval: approvals must be sought again.
        .approved: [.ready, .planned, .cancelled],
        .ready: [.inProgress, .approved, .planned, .cancelled],
        .inProgress: [.deployed, .rolledBack, .failed],
        // A rollback may still happen during the observation period after deployment.
        .deployed: [.closed, .rolledBack, .failed],
        // A rolled back or failed release can be planned again for another attempt, or closed.
        .rolledBack: [.planned, .closed],
        .failed: [.rolledBack, .planned, .closed],
        // A cancelled release can be reopened as a draft.
        .cancelled: [.draft, .closed],
        .closed: [],
    ]

    /// The statuses a release of this type may move to from `status`, in lifecycle order.
    /// Emergency releases take the short path: from planned straight to ready, their
    /// approvals following after the fact.
    public static func allowedTransitions(from status: ReleaseStatus, type: ReleaseType) -> [ReleaseStatus] {
        var next = edges[status] ?? []
        if type == .emergency, status == .planned {
            next.insert(.ready, at: 1)
        }
        return ReleaseStatus.allCases.filter(next.contains)
    }

    public static func canMove(from: ReleaseStatus, to: ReleaseStatus, type: ReleaseType) -> Bool {
        allowedTransitions(from: from, type: type).contains(to)
    }
}
