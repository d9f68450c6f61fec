import Foundation

/// How long before its planned start a release must pass the gate, by release type.
public struct LeadTimeRule: PolicyRule {
    public let id: String
    public let kind = "leadTime"
    public let minimum: [ReleaseType: TimeInterval]
    public let gates: Set<ReleaseStatus>

    public init(id: String, minimum: [ReleaseType: TimeInterval], gates: Set<ReleaseStatus> = [.approved]) {
        self.id = id
        self.minimum = minimum
        self.gates = gates
    }

    public func evaluate(_ dossier: ReleaseDossier, context: PolicyContext) -> RuleEvaluation {
        let type = dossier.release.type
        guard let needed = minimum[type], needed > 0 else {
            return .notApplicable("no lead time is set for \(Naming.type(type).en) releases", "aucun délai n'est fixé pour les versions \(Naming.type(type).fr)s")
        }
        let planned: DateInterval
        switch WindowSubject(dossier.release, environment: nil) {
        case .skip(let reason): return reason
        case .window(let window): planned = window
        }
        let notice = planned.start.timeIntervalSince(dossier.now)
        let need = describeDuration(needed)
        if notice >= needed {
            let left = describeDuration(notice)
            return .pass("the planned window starts in \(left); a \(Naming.type(type).en) release needs \(need) notice (rule `\(id)`)",
                         "la fenêtre prévue commence dans \(left) ; une version \(Naming.type(type).fr) demande \(need) de préavis (règle `\(id)`)")
        }
        if notice <= 0 {
            return .fail("the planned window has already started; a \(Naming.type(type).en) release needs \(need) notice (rule `\(id)`)",
                         "la fenêtre prévue a déjà commencé ; une version \(Naming.type(type).fr) demande \(need) de préavis (règle `\(id)`)")
        }
        let left = describeDuration(notice)
        return .fail("the planned window starts in \(left); a \(Naming.type(type).en) release needs \(need) notice (rule `\(id)`)",
                     "la fenêtre prévue commence dans \(left) ; une version \(Naming.type(type).fr) demande \(need) de préavis (règle `\(id)`)")
    }
}
