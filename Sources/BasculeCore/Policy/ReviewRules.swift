import Foundation

/// A release closes only once its post-implementation review is published: what was learned
/// is written down before the release is filed away.
public struct PublishedReviewRule: PolicyRule {
    public let id: String
    public let kind = "publishedReview"
    public let gates: Set<ReleaseStatus>

    public init(id: String, gates: Set<ReleaseStatus> = [.closed]) {
        self.id = id
        self.gates = gates
    }

    public func evaluate(_ dossier: ReleaseDossier, context: PolicyContext) -> RuleEvaluation {
        guard let review = dossier.review else {
            return .fail("the release has no review yet: it opens when the cutover ends (rule `\(id)`)",
                         "la mise en production n'a pas encore de retour d'expérience : il s'ouvre à la fin de la bascule (règle `\(id)`)")
        }
        guard review.status == .published else {
            return .fail("its review is still a draft: publish it first (rule `\(id)`)",
                         "son retour d'expérience est encore un brouillon : publiez-le d'abord (règle `\(id)`)")
        }
        return .pass("its review is published (rule `\(id)`)", "son retour d'expérience est publié (règle `\(id)`)")
    }
}

/// No action of an earlier review of the same application (a shared tag or configuration item)
/// is overdue: the next release is not approved while what the last one taught is left undone.
public struct ReviewActionsRule: PolicyRule {
    public let id: String
    public let kind = "reviewActions"
    public let gates: Set<ReleaseStatus>

    public init(id: String, gates: Set<ReleaseStatus> = [.approved]) {
        self.id = id
        self.gates = gates
    }

    public func evaluate(_ dossier: ReleaseDossier, context: PolicyContext) -> RuleEvaluation {
        let overdue = dossier.overdueReviewActions ?? []
        guard overdue.isEmpty else {
            let list = overdue.prefix(5).map { "\($0.key) (\($0.owner))" }.joined(separator: ", ")
            return .fail("\(overdue.count) action(s) of earlier reviews of this application are overdue: \(list) (rule `\(id)`)",
                         "\(overdue.count) action(s) de retours d'expérience précédents de cette application sont en retard : \(list) (règle `\(id)`)")
        }
        return .pass("no action of an earlier review of this application is overdue (rule `\(id)`)",
                     "aucune action d'un retour d'expérience précédent de cette application n'est en retard (règle `\(id)`)")
    }
}
