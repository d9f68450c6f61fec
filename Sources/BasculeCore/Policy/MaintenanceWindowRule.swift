import Foundation

/// Releases to an environment must happen inside one of its maintenance windows.
public struct MaintenanceWindowRule: PolicyRule {
    public let id: String
    public let kind = "maintenanceWindow"
    public let environment: String
    public let windows: [RecurringSchedule]
    public let gates: Set<ReleaseStatus>

    public init(id: String, environment: String, windows: [RecurringSchedule], gates: Set<ReleaseStatus> = FreezeRule.defaultGates) {
        self.id = id
        self.environment = environment
        self.windows = windows
        self.gates = gates
    }

    public func evaluate(_ dossier: ReleaseDossier, context: PolicyContext) -> RuleEvaluation {
        let planned: DateInterval
        switch WindowSubject(dossier.release, environment: environment) {
        case .skip(let reason): return reason
        case .window(let window): planned = window
        }
        let shown = describeWindow(planned, clock: context.clock)
        let summaries = windows.map(\.summary)
        let listEn = summaries.map(\.en).joined(separator: "; "), listFr = summaries.map(\.fr).joined(separator: " ; ")
        // The window must fit inside one occurrence of one maintenance window, not straddle two.
        let fits = windows.contains { schedule in
            schedule.occurrences(overlapping: planned, clock: context.clock).contains { $0.start <= planned.start && $0.end >= planned.end }
        }
        if fits {
            return .pass("the planned window (\(shown.en)) is inside a maintenance window of \(environment) (rule `\(id)`)",
                         "la fenêtre prévue (\(shown.fr)) est dans un créneau de maintenance de \(environment) (règle `\(id)`)")
        }
        return .fail(
            "the planned window (\(shown.en)) is not inside a maintenance window of \(environment): \(listEn) (rule `\(id)`)",
            "la fenêtre prévue (\(shown.fr)) n'est pas dans un créneau de maintenance de \(environment) : \(listFr) (règle `\(id)`)")
    }
}
