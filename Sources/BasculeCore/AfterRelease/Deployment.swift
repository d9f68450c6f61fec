import Foundation

/// The end of a release's live cutover, as the indicators count it: written once, when the
/// live run leaves the release deployed, rolled back or failed, so that a quarter's figures
/// read one row per cutover and never the run logs.
public struct Deployment: Sendable, Equatable {
    public let release: String
    public let run: UUID
    public let environment: String?
    public let production: Bool
    public let type: ReleaseType
    public let tags: [String]
    public let result: CutoverOutcome.Result
    public let planned: DateInterval?
    public let startedAt: Date
    public let endedAt: Date
    public let plannedDowntime: TimeInterval?
    public let actualDowntime: TimeInterval?

    public init(release: String, run: UUID, environment: String?, production: Bool, type: ReleaseType, tags: [String],
                result: CutoverOutcome.Result, planned: DateInterval?, startedAt: Date, endedAt: Date,
                plannedDowntime: TimeInterval?, actualDowntime: TimeInterval?) {
        self.release = release
        self.run = run
        self.environment = environment
        self.production = production
        self.type = type
        self.tags = tags
        self.result = result
        self.planned = planned
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.plannedDowntime = plannedDowntime
        self.actualDowntime = actualDowntime
    }

    /// What the live run of `release` did, now that it is over. The downtime is the one its
    /// rolling updates measured from outside when they did, else the union of its downtime
    /// steps; the planned one, the runbook's.
    public init(live run: Run, release: Release, environmentKind: EnvironmentKind?, result: CutoverOutcome.Result, at now: Date) {
        let main = run.steps.filter { $0.segment == .main }
        let report = RehearsalReport(steps: main.map(\.step), rehearsals: [run])
        let measured = report.rehearsals.first?.measuredInterruption
        self.init(release: release.key.description, run: run.id, environment: release.fields.environment,
                  production: environmentKind == .production, type: release.fields.type, tags: release.fields.tags, result: result,
                  planned: release.window.map { DateInterval(start: $0.start, end: $0.end) }, startedAt: run.startedAt ?? run.createdAt,
                  endedAt: now, plannedDowntime: report.plannedDowntime, actualDowntime: measured ?? report.rehearsals.first?.downtime)
    }

    public var outcome: CutoverOutcome {
        CutoverOutcome(release: release, type: type, result: result, planned: planned ?? DateInterval(start: startedAt, end: endedAt),
                       actual: DateInterval(start: startedAt, end: max(startedAt, endedAt)),
                       plannedDowntime: plannedDowntime, actualDowntime: actualDowntime)
    }

    public var asProductionDeployment: ProductionDeployment {
        ProductionDeployment(release: release, deployedAt: endedAt, rolledBack: result != .deployed)
    }
}
