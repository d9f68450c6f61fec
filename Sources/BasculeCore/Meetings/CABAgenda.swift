import Foundation

/// The agenda of a change advisory board, built for the release manager: the releases awaiting
/// approval that cannot wait for the meeting after this one, earliest window first, each with
/// what the board needs to look at and the time it deserves.
public enum CABAgenda {
    /// A release awaiting approval, with what the board should see of it.
    public struct Candidate: Sendable, Equatable {
        public let release: Release
        public let risk: RiskScore
        /// The policy's rules that fail for the gate it waits at.
        public let failing: [RuleOutcome]
        public let conflicts: [Conflict]
        /// Its changes still proposed: discussed with it.
        public let proposedChanges: [Change]

        public init(release: Release, risk: RiskScore, failing: [RuleOutcome], conflicts: [Conflict], proposedChanges: [Change] = []) {
            self.release = release
            self.risk = risk
            self.failing = failing
            self.conflicts = conflicts
            self.proposedChanges = proposedChanges
        }
    }

    /// Whether the board has something to decide on the release: its round still awaits
    /// decisions and has not reached its quorum.
    public static func awaitsTheBoard(_ round: ApprovalRound, on release: Release) -> Bool {
        !round.isApproved && round.awaitsDecisions(on: release)
    }

    public struct Entry: Sendable, Equatable {
        public let candidate: Candidate
        public let minutes: Int
    }

    /// The candidates whose window starts before `deadline` (the start of the meeting after the
    /// one being prepared: waiting for it would be too late), ordered by planned start; a release
    /// with no window yet is left out (the board cannot judge a cutover with no date).
    public static func build(_ candidates: [Candidate], before deadline: Date) -> [Entry] {
        candidates
            .filter { ($0.release.window?.start).map { $0 < deadline } ?? false }
            .sorted { ($0.release.window?.start ?? .distantFuture, $0.release.key) < ($1.release.window?.start ?? .distantFuture, $1.release.key) }
            .map { Entry(candidate: $0, minutes: minutes(for: $0)) }
    }

    /// Time allotted by risk: 5 minutes on track, 10 needing attention, 15 at risk, and 5 more
    /// when a policy rule fails or the calendar shows a conflict (there is something to argue).
    public static func minutes(for candidate: Candidate) -> Int {
        let base: Int
        switch candidate.risk.status {
        case .onTrack: base = 5
        case .attention: base = 10
        case .atRisk: base = 15
        }
        return base + (candidate.failing.isEmpty && candidate.conflicts.isEmpty ? 0 : 5)
    }
}
