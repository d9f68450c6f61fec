import Foundation

/// No conflict in the calendar (of the kinds listed): the same item changed twice at once,
/// dependent items, a team booked twice, a window outside maintenance or inside a freeze.
public struct ConflictsRule: PolicyRule {
    public let id: String
    public let kind = "conflicts"
    public let kinds: Set<ConflictKind>
    public let gates: Set<ReleaseStatus>

    public init(id: String, kinds: Set<ConflictKind> = Set(ConflictKind.allCases), gates: Set<ReleaseStatus> = [.approved, .ready]) {
        self.id = id
        self.kinds = kinds
        self.gates = gates
    }

    public func evaluate(_ dossier: ReleaseDossier, context: PolicyContext) -> RuleEvaluation {
        if case .skip(let reason) = WindowSubject(dossier.release) { return reason }
        guard let all = dossier.conflicts else {
            return .notApplicable("the calendar was not consulted for this check", "le calendrier n'a pas été consulté pour ce contrôle")
        }
        let conflicts = all.filter { kinds.contains($0.kind) }
        guard !conflicts.isEmpty else {
            return .pass("no conflict in the calendar (rule `\(id)`)", "aucun conflit dans le calendrier (règle `\(id)`)")
        }
        let en = conflicts.map(\.explanation.en).joined(separator: "; "), fr = conflicts.map(\.explanation.fr).joined(separator: " ; ")
        let count = conflicts.count
        return .fail("\(count) conflict\(count > 1 ? "s" : "") in the calendar: \(en) (rule `\(id)`)",
                     "\(count) conflit\(count > 1 ? "s" : "") dans le calendrier : \(fr) (règle `\(id)`)")
    }
}
