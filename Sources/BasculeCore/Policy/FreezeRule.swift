import Foundation

/// A period when releases may not be deployed: once (year-end closing) or again and again
/// (payroll days, weekend nights, Christmas).
public struct FreezeRule: PolicyRule {
    public enum Period: Sendable, Equatable {
        case oneOff(DateInterval)
        case recurring(RecurringSchedule)
    }

    public let id: String
    public let kind = "freeze"
    public let reason: String
    public let period: Period
    public let scope: PolicyScope
    public let gates: Set<ReleaseStatus>

    public static let defaultGates: Set<ReleaseStatus> = [.approved, .ready, .inProgress]

    public init(id: String, reason: String, period: Period, scope: PolicyScope = .everything, gates: Set<ReleaseStatus> = defaultGates) {
        self.id = id
        self.reason = reason
        self.period = period
        self.scope = scope
        self.gates = gates
    }

    public func evaluate(_ dossier: ReleaseDossier, context: PolicyContext) -> RuleEvaluation {
        guard scope.includes(dossier.release) else {
            let text = scope.text
            return .notApplicable("the freeze \"\(reason)\" covers only \(text.en)", "le gel « \(reason) » ne concerne que \(text.fr)")
        }
        let planned: DateInterval
        switch WindowSubject(dossier.release, environment: nil) {
        case .skip(let reason): return reason
        case .window(let window): planned = window
        }
        let clash: DateInterval?
        switch period {
        case .oneOff(let interval):
            clash = interval.end > planned.start && interval.start < planned.end ? interval : nil
        case .recurring(let schedule):
            clash = schedule.occurrences(overlapping: planned, clock: context.clock).first
        }
        let shown = describeWindow(planned, clock: context.clock)
        guard let clash else {
            return .pass("the planned window (\(shown.en)) is outside the freeze \"\(reason)\" (rule `\(id)`)",
                         "la fenêtre prévue (\(shown.fr)) est hors du gel « \(reason) » (règle `\(id)`)")
        }
        let frozen = describeWindow(clash, clock: context.clock)
        return .fail(
            "the planned window (\(shown.en)) falls in the freeze \"\(reason)\" from \(frozen.en) (rule `\(id)`)",
            "la fenêtre prévue (\(shown.fr)) tombe dans le gel « \(reason) » du \(frozen.fr) (règle `\(id)`)")
    }
}
