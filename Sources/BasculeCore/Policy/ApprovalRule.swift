import Foundation

/// Who must approve which releases: for some types, environments or risk levels, `count`
/// distinct people holding one of `roles`. The requester of a change never counts (see
/// `ApprovalRound.deciding`).
public struct ApprovalRule: PolicyRule {
    public let id: String
    public let kind = "approvals"
    public let types: Set<ReleaseType>
    public let environments: Set<String>
    public let riskAtLeast: RiskLevel?
    public let roles: [Role]
    public let count: Int
    public let gates: Set<ReleaseStatus>

    public init(id: String, types: Set<ReleaseType> = [], environments: Set<String> = [], riskAtLeast: RiskLevel? = nil,
                roles: [Role], count: Int, gates: Set<ReleaseStatus> = [.approved]) {
        self.id = id
        self.types = types
        self.environments = Set(environments.map { $0.lowercased() })
        self.riskAtLeast = riskAtLeast
        self.roles = roles
        self.count = count
        self.gates = gates
    }

    public var requirement: ApprovalRequirement { ApprovalRequirement(rule: id, roles: roles, count: count) }

    public func applies(to dossier: ReleaseDossier) -> Bool {
        let release = dossier.release
        if !types.isEmpty, !types.contains(release.type) { return false }
        if !environments.isEmpty, !environments.contains(release.environment?.lowercased() ?? "") { return false }
        if let riskAtLeast, dossier.riskLevel < riskAtLeast { return false }
        return true
    }

    public func evaluate(_ dossier: ReleaseDossier, context: PolicyContext) -> RuleEvaluation {
        guard applies(to: dossier) else {
            return .notApplicable("the release is not one this approval rule covers (rule `\(id)`)",
                                  "la mise en production n'est pas concernée par cette règle d'approbation (règle `\(id)`)")
        }
        let roleNames = Naming.join(roles.map(Naming.role), en: " or ", fr: " ou ")
        let who = roleNames.en, quiEn = roleNames.fr
        guard let round = dossier.approvals else {
            return .fail("approval has not been requested; \(count) approval(s) from \(who) are needed (rule `\(id)`)",
                         "l'approbation n'a pas été demandée ; il faut \(count) approbation(s) de \(quiEn) (règle `\(id)`)")
        }
        if round.status == .voided {
            let reason = round.voidReason ?? "the scope changed"
            return .fail("the approvals were voided because \(reason); request approval again (rule `\(id)`)",
                         "les approbations ont été annulées : \(reason) ; demandez à nouveau l'approbation (règle `\(id)`)")
        }
        if let rejection = round.rejections.first {
            return .fail("rejected by \(rejection.approver): \(rejection.comment) (rule `\(id)`)",
                         "refusée par \(rejection.approver) : \(rejection.comment) (règle `\(id)`)")
        }
        let approvers = round.approvers(for: requirement)
        let names = approvers.isEmpty ? "" : " (\(approvers.joined(separator: ", ")))"
        if approvers.count >= count {
            return .pass("approved by \(approvers.count) of \(count) needed from \(who)\(names) (rule `\(id)`)",
                         "approuvée par \(approvers.count) sur \(count) requises de \(quiEn)\(names) (règle `\(id)`)")
        }
        return .fail("\(approvers.count) of \(count) approvals from \(who)\(names); waiting for \(count - approvers.count) more (rule `\(id)`)",
                     "\(approvers.count) approbation(s) sur \(count) de \(quiEn)\(names) ; il en manque \(count - approvers.count) (règle `\(id)`)")
    }
}
