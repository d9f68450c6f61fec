import Foundation

/// A release reaches its environment only through the ones before it: a successful deployment on
/// each environment of its promotion path, and passing tests there, before the next.
public struct PromotionRule: PolicyRule {
    /// Whether the environment before must also have passed its tests, or only taken the release.
    public enum Tests: String, Sendable, CaseIterable { case passing, notRequired }

    public let id: String
    public let kind = "promotion"
    public let tests: Tests
    public let gates: Set<ReleaseStatus>

    public init(id: String, tests: Tests = .passing, gates: Set<ReleaseStatus> = [.ready]) {
        self.id = id
        self.tests = tests
        self.gates = gates
    }

    public var requiringTests: Bool { tests == .passing }

    public func evaluate(_ dossier: ReleaseDossier, context: PolicyContext) -> RuleEvaluation {
        guard let path = dossier.promotion, path.stops.count > 1 else {
            return .pass("no environment comes before its own (rule `\(id)`)", "aucun environnement ne précède le sien (règle `\(id)`)")
        }
        if let blocker = path.blockerOnTheWay(requiringTests: requiringTests) {
            return .fail("it cannot reach \(blocker.environment): \(blocker.english) (rule `\(id)`)",
                         "elle ne peut pas atteindre \(blocker.environment) : \(blocker.french) (règle `\(id)`)")
        }
        let before = path.environments.dropLast().joined(separator: ", ")
        return .pass("it went through \(before) first (rule `\(id)`)", "elle est passée d'abord par \(before) (règle `\(id)`)")
    }
}
