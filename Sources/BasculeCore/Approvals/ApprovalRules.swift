/// When approval may be asked and given, and what voids it. Kept here so that the services,
/// the inbox and the pages agree.
extension Release {
    /// Approval is requested for a planned release; an emergency release, which may skip
    /// ahead to ready, asks for it after the fact until it is closed.
    public var acceptsApprovalRequest: Bool {
        status == .planned || (fields.type == .emergency && [.ready, .inProgress, .deployed].contains(status))
    }

    /// What makes approvals given to `before` worthless for this release, if anything: the
    /// window, the environment or the type changed. (Adding or removing a change is the other
    /// scope change; the changes service says so itself.)
    public func scopeChange(from before: Release) -> String? {
        if before.fields.window != fields.window { return "the planned window moved" }
        if before.fields.environment != fields.environment { return "the target environment changed" }
        if before.fields.type != fields.type { return "the release type changed" }
        return nil
    }

    /// The gate the release faces next: the first forward move the lifecycle allows it.
    public var nextGate: ReleaseStatus {
        let forward: [ReleaseStatus] = [.planned, .approved, .ready, .inProgress, .deployed, .closed]
        return allowedTransitions.first(where: forward.contains) ?? status
    }
}

extension ApprovalRound {
    /// Open, and the release still where approvals are given.
    public func awaitsDecisions(on release: Release) -> Bool { status == .open && release.acceptsApprovalRequest }

    /// A scope change voids an open round once it holds a decision or the release has passed the gate.
    public func isVoidedByScopeChange(of release: Release) -> Bool {
        status == .open && (!decisions.isEmpty || release.status == .approved || release.status == .ready)
    }
}
