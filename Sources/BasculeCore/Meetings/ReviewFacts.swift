import Foundation

/// What Bascule's own records say of a release's cutover, for its review: planned against
/// actual times and downtime (the live run and the rehearsals), the steps that deviated most,
/// rollbacks, the policy's overrides and the incidents known for it. Kept with the review when
/// it is published, so that it reads the same later.
public struct ReviewFacts: Sendable, Equatable, Codable {
    public struct Timing: Sendable, Equatable, Codable {
        public let start: Date?
        public let end: Date?

        public init(start: Date?, end: Date?) {
            self.start = start
            self.end = end
        }

        public var duration: TimeInterval? {
            guard let start, let end else { return nil }
            return end.timeIntervalSince(start)
        }
    }

    public struct Deviation: Sendable, Equatable, Codable {
        public let step: String
        public let title: String
        public let planned: TimeInterval
        public let actual: TimeInterval

        public var delta: TimeInterval { actual - planned }
    }

    public struct Override: Sendable, Equatable, Codable {
        public let target: String
        public let rules: [String]
        public let reason: String
        public let actor: String
        public let at: Date
    }

    /// Something that had to be undone or stopped.
    public struct Rollback: Sendable, Equatable, Codable {
        public enum Kind: String, Sendable, Codable { case rehearsal, liveRun, liveStopped, release }
        public let kind: Kind
        /// The rehearsal's number, first one 1.
        public let number: Int?
    }

    public struct IncidentLine: Sendable, Equatable, Codable {
        public let reference: String
        public let title: String
        public let severity: Int
        public let confirmed: Bool

        public init(reference: String, title: String, severity: Int, confirmed: Bool) {
            self.reference = reference
            self.title = title
            self.severity = severity
            self.confirmed = confirmed
        }
    }

    public let planned: Timing
    public let live: Timing?
    public let rehearsals: [Timing]
    public let plannedDowntime: TimeInterval?
    public let actualDowntime: TimeInterval?
    /// The main steps of the live run furthest from their planned duration, five at most.
    public let deviations: [Deviation]
    /// What had to be undone: rehearsals and the live run rolled back, or the release moved back by hand.
    public let rollbacks: [Rollback]
    public let overrides: [Override]
    public let incidents: [IncidentLine]

    /// The facts of a release from its runs (oldest first), its recorded cutovers, overrides and incidents.
    public static func of(_ release: Release, runs: [Run], deployments: [Deployment], overrides: [GateOverride],
                          incidents: [IncidentLine]) -> ReviewFacts {
        let live = runs.last { $0.kind == .live && $0.hasStarted }
        let rehearsals = runs.filter { $0.kind == .rehearsal && $0.hasStarted }
        let cutover = deployments.max { $0.endedAt < $1.endedAt }
        var deviations: [Deviation] = []
        if let live {
            for step in live.steps where step.segment == .main {
                guard let start = step.progress.startedAt, let end = step.progress.endedAt else { continue }
                deviations.append(Deviation(step: step.step.key, title: step.step.title, planned: step.step.plannedDuration, actual: end.timeIntervalSince(start)))
            }
        }
        deviations = Array(deviations.filter { abs($0.delta) >= 60 }.sorted { abs($0.delta) > abs($1.delta) }.prefix(5))
        var rollbacks: [Rollback] = []
        for (index, run) in rehearsals.enumerated() where run.status == .rolledBack { rollbacks.append(Rollback(kind: .rehearsal, number: index + 1)) }
        if let live, live.status == .rolledBack { rollbacks.append(Rollback(kind: .liveRun, number: nil)) }
        if let live, live.status == .aborted { rollbacks.append(Rollback(kind: .liveStopped, number: nil)) }
        if release.status == .rolledBack, live?.status != .rolledBack { rollbacks.append(Rollback(kind: .release, number: nil)) }
        return ReviewFacts(
            planned: Timing(start: release.window?.start, end: release.window?.end),
            live: live.map { Timing(start: $0.startedAt, end: $0.endedAt) },
            rehearsals: rehearsals.map { Timing(start: $0.startedAt, end: $0.endedAt) },
            plannedDowntime: cutover?.plannedDowntime, actualDowntime: cutover?.actualDowntime, deviations: deviations, rollbacks: rollbacks,
            overrides: overrides.map { Override(target: $0.target.rawValue, rules: $0.rules, reason: $0.reason, actor: $0.actor, at: $0.at) },
            incidents: incidents)
    }
}
