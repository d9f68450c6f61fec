import Foundation

/// What a release must hold before it passes a gate: documents, an assessed risk register,
/// a complete readiness checklist, test campaigns with a minimum pass rate.
public struct ArtefactsRule: PolicyRule {
    public enum Artefact: String, Sendable, CaseIterable {
        case rollbackPlan, releaseNotes, risksAssessed, readinessComplete
    }

    public struct TestRequirement: Sendable, Equatable {
        public let kinds: [TestKind]
        /// In percent, 0–100.
        public let minPassRate: Double

        public init(kinds: [TestKind], minPassRate: Double) {
            self.kinds = kinds
            self.minPassRate = minPassRate
        }
    }

    public let id: String
    public let kind = "artefacts"
    public let require: [Artefact]
    public let tests: [TestRequirement]
    public let scope: PolicyScope
    public let gates: Set<ReleaseStatus>

    public init(id: String, require: [Artefact], tests: [TestRequirement] = [], scope: PolicyScope = .everything,
                gates: Set<ReleaseStatus> = [.approved]) {
        self.id = id
        self.require = require
        self.tests = tests
        self.scope = scope
        self.gates = gates
    }

    public func evaluate(_ dossier: ReleaseDossier, context: PolicyContext) -> RuleEvaluation {
        guard scope.includes(dossier.release) else {
            let text = scope.text
            return .notApplicable("the rule covers only \(text.en)", "la règle ne concerne que \(text.fr)")
        }
        var missingEn: [String] = [], missingFr: [String] = []
        for artefact in require {
            switch artefact {
            case .rollbackPlan where !dossier.documents.contains(.rollbackPlan):
                missingEn.append("a rollback plan"); missingFr.append("un plan de retour arrière")
            case .releaseNotes where !dossier.documents.contains(.releaseNotes):
                missingEn.append("release notes"); missingFr.append("des notes de version")
            case .risksAssessed where !dossier.plan.risksAssessed:
                missingEn.append("an assessed risk register (every open risk with a mitigation and an owner)")
                missingFr.append("un registre des risques évalué (chaque risque ouvert avec une atténuation et un responsable)")
            case .readinessComplete where !dossier.plan.readinessComplete:
                let open = dossier.plan.readiness.filter { !$0.done }.count
                missingEn.append("a complete readiness checklist (\(open) item(s) open)")
                missingFr.append("une checklist d'exploitabilité complète (\(open) point(s) ouvert(s))")
            default: break
            }
        }
        let latest = dossier.campaigns.latestByKind()
        for requirement in tests {
            for kind in requirement.kinds {
                let floor = Self.percent(requirement.minPassRate)
                guard let campaign = latest[kind] else {
                    missingEn.append("a \(Naming.testKind(kind).en) test campaign passing at least \(floor)")
                    missingFr.append("une campagne de tests \(Naming.testKind(kind).fr) réussie à au moins \(floor)")
                    continue
                }
                let rate = campaign.result.passRate ?? 0
                if rate < requirement.minPassRate {
                    missingEn.append("\(Naming.testKind(kind).en) tests passing at least \(floor) (the latest campaign passed \(Self.percent(rate)))")
                    missingFr.append("des tests \(Naming.testKind(kind).fr) réussis à au moins \(floor) (la dernière campagne : \(Self.percent(rate)))")
                }
            }
        }
        if missingEn.isEmpty {
            return .pass("every required artefact is present (rule `\(id)`)", "tous les éléments exigés sont présents (règle `\(id)`)")
        }
        return .fail("the release lacks \(joinNames(missingEn, and: "and")) (rule `\(id)`)",
                     "il manque \(joinNames(missingFr, and: "et")) (règle `\(id)`)")
    }

    public static func percent(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) %" : String(format: "%.1f %%", value)
    }
}
