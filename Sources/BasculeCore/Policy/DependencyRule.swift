import Foundation

/// A release goes on only once what it depends on allows: each release it requires is deployed,
/// each release it goes with has reached the same gate (`DependencyRules.unmet`).
public struct DependencyRule: PolicyRule {
    public let id: String
    public let kind = "dependencies"
    public let gates: Set<ReleaseStatus>

    public init(id: String, gates: Set<ReleaseStatus> = [.ready]) {
        self.id = id
        self.gates = gates
    }

    public func evaluate(_ dossier: ReleaseDossier, context: PolicyContext) -> RuleEvaluation {
        let dependencies = dossier.dependencies ?? []
        guard !dependencies.isEmpty else {
            return .pass("it depends on no other release (rule `\(id)`)", "elle ne dépend d'aucune autre mise en production (règle `\(id)`)")
        }
        let unmet = DependencyRules.unmet(dependencies, of: dossier.release.key, gate: context.target, standings: dossier.dependencyStandings ?? [:])
        guard unmet.isEmpty else {
            let status = { (key: ReleaseKey) in dossier.dependencyStandings?[key]?.status.rawValue ?? "unknown" }
            let english = unmet.map { "\($0.on) is \(status($0.on))" + ($0.kind == .requires ? ", not deployed" : ", not at this gate yet") }
            let french = unmet.map { "\($0.on) " + ($0.kind == .requires ? "n'est pas encore déployée" : "n'en est pas encore à cette étape") }
            return .fail("it waits for what it depends on: \(english.joined(separator: "; ")) (rule `\(id)`)",
                         "elle attend ce dont elle dépend : \(french.joined(separator: " ; ")) (règle `\(id)`)")
        }
        return .pass("every release it depends on is where it must be (rule `\(id)`)",
                     "chaque mise en production dont elle dépend est là où elle doit être (règle `\(id)`)")
    }
}
