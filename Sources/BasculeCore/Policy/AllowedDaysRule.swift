import Foundation

/// The days and hours when releases to an environment may happen: "no production release on
/// Friday" is `days: [mon, tue, wed, thu]`. The whole planned window must lie inside them.
public struct AllowedDaysRule: PolicyRule {
    public let id: String
    public let kind = "allowedDays"
    public let environment: String
    public let days: Set<Weekday>
    public let hours: DailyHours
    public let gates: Set<ReleaseStatus>

    public init(id: String, environment: String, days: Set<Weekday>, hours: DailyHours = .wholeDay,
                gates: Set<ReleaseStatus> = FreezeRule.defaultGates) {
        self.id = id
        self.environment = environment
        self.days = days
        self.hours = hours
        self.gates = gates
    }

    public func evaluate(_ dossier: ReleaseDossier, context: PolicyContext) -> RuleEvaluation {
        let planned: DateInterval
        switch WindowSubject(dossier.release, environment: environment) {
        case .skip(let reason): return reason
        case .window(let window): planned = window
        }
        let allowed = RecurringSchedule(days: .weekdays(days), hours: hours).occurrences(overlapping: planned, clock: context.clock)
        let shown = describeWindow(planned, clock: context.clock)
        guard let gap = allowed.firstGap(in: planned) else {
            return .pass("the planned window (\(shown.en)) lies within the days and hours allowed for \(environment) (rule `\(id)`)",
                         "la fenêtre prévue (\(shown.fr)) respecte les jours et heures autorisés en \(environment) (règle `\(id)`)")
        }
        let when = context.clock.describe(gap)
        let verb = gap == planned.start ? ("starts", "commence le") : ("reaches", "atteint le")
        let day = context.clock.weekday(of: gap)
        if !days.contains(day) {
            let banned = Weekday.allCases.filter { !days.contains($0) }
            return .fail(
                "the planned window \(verb.0) \(when.en); \(environment) releases are not allowed on \(joinNames(banned.map(\.name.en), and: "and")) (rule `\(id)`)",
                "la fenêtre prévue \(verb.1) \(when.fr) ; les mises en production en \(environment) sont interdites le \(joinNames(banned.map(\.name.fr), and: "et")) (règle `\(id)`)")
        }
        return .fail(
            "the planned window \(verb.0) \(when.en); \(environment) releases are allowed only between \(hours.text) (rule `\(id)`)",
            "la fenêtre prévue \(verb.1) \(when.fr) ; les mises en production en \(environment) ne sont autorisées qu'entre \(hours.text) (règle `\(id)`)")
    }
}
