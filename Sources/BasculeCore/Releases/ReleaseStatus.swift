/// The release lifecycle of DOMAIN.md: Draft → Planned → Approved → Ready → InProgress →
/// Deployed → Closed, with the side exits RolledBack, Failed and Cancelled.
public enum ReleaseStatus: String, Sendable, CaseIterable, Codable, Hashable {
    case draft, planned, approved, ready, inProgress, deployed, closed, rolledBack, failed, cancelled

    /// Statuses in which the release is committed to a date and a target, so the window
    /// and the environment may no longer be removed.
    public var needsWindowAndEnvironment: Bool {
        switch self {
        case .planned, .approved, .ready, .inProgress, .deployed: return true
        case .draft, .closed, .rolledBack, .failed, .cancelled: return false
        }
    }

    /// Statuses whose plan may still be edited. Once the cutover has started the record of
    /// what was planned must stay as it was, for the review and the audit.
    public var isPlanEditable: Bool {
        switch self {
        case .draft, .planned, .approved, .ready: return true
        case .inProgress, .deployed, .closed, .rolledBack, .failed, .cancelled: return false
        }
    }
}
