import Foundation

/// Everything a release manager plans besides the window: what the release must achieve, what
/// it covers, what could go wrong, who does what, and whether operations are ready for it.
/// Saved as one document with its own revision, so that a form edits it whole.
public struct ReleasePlan: Sendable, Equatable, Codable {
    public var objectives: [Objective]
    public var scopeIn: [String]
    public var scopeOut: [String]
    public var risks: [Risk]
    public var milestones: [Milestone]
    public var resources: [Resource]
    public var training: [TrainingItem]
    public var requirements: [NonFunctionalRequirement]
    public var readiness: [ReadinessItem]

    public init(
        objectives: [Objective] = [], scopeIn: [String] = [], scopeOut: [String] = [], risks: [Risk] = [],
        milestones: [Milestone] = [], resources: [Resource] = [], training: [TrainingItem] = [],
        requirements: [NonFunctionalRequirement] = [], readiness: [ReadinessItem] = ReadinessItem.standard
    ) {
        self.objectives = objectives
        self.scopeIn = scopeIn
        self.scopeOut = scopeOut
        self.risks = risks
        self.milestones = milestones
        self.resources = resources
        self.training = training
        self.requirements = requirements
        self.readiness = readiness
    }

    public func overdueMilestones(at now: Date) -> [Milestone] { milestones.filter { $0.isOverdue(at: now) } }

    public var readinessComplete: Bool { !readiness.isEmpty && readiness.allSatisfy(\.done) }

    /// Assessed: at least one risk is registered, and every risk still open has a mitigation
    /// and an owner.
    public var risksAssessed: Bool {
        !risks.isEmpty && risks.filter { $0.status == .open }.allSatisfy { !$0.mitigation.isEmpty && !$0.owner.isEmpty }
    }
}

public struct Objective: Sendable, Equatable, Codable {
    public enum Assessment: String, Sendable, Codable, CaseIterable { case met, partly, notMet }
    public var statement: String
    public var successCriterion: String
    public var assessment: Assessment?

    public init(statement: String, successCriterion: String = "", assessment: Assessment? = nil) {
        self.statement = statement
        self.successCriterion = successCriterion
        self.assessment = assessment
    }
}

public struct Risk: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable, CaseIterable { case open, mitigated, accepted, closed }
    public var title: String
    /// 1 (rare) to 5 (almost certain).
    public var probability: Int
    /// 1 (negligible) to 5 (severe).
    public var impact: Int
    public var mitigation: String
    public var owner: String
    public var status: Status

    public init(title: String, probability: Int, impact: Int, mitigation: String = "", owner: String = "", status: Status = .open) {
        self.title = title
        self.probability = probability
        self.impact = impact
        self.mitigation = mitigation
        self.owner = owner
        self.status = status
    }

    /// Probability × impact, 1–25.
    public var score: Int { probability * impact }

    public var level: RiskLevel { RiskLevel(score: score) }
}

/// The coarse level that policies talk about ("approvals for a high risk release").
public enum RiskLevel: String, Sendable, Codable, CaseIterable, Comparable {
    case low, medium, high, critical

    /// The bands of a probability × impact score.
    public init(score: Int) {
        switch score {
        case 20...: self = .critical
        case 12...: self = .high
        case 6...: self = .medium
        default: self = .low
        }
    }

    public static func < (lhs: RiskLevel, rhs: RiskLevel) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}

public struct Milestone: Sendable, Equatable, Codable {
    public var name: String
    public var due: Date
    public var doneAt: Date?

    public init(name: String, due: Date, doneAt: Date? = nil) {
        self.name = name
        self.due = due
        self.doneAt = doneAt
    }

    public func isOverdue(at now: Date) -> Bool { doneAt == nil && due < now }
}

public struct Resource: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable { case person, team }
    /// Who is Responsible, Accountable, Consulted or Informed.
    public enum RACI: String, Sendable, Codable, CaseIterable { case responsible, accountable, consulted, informed }
    public var name: String
    public var kind: Kind
    public var role: RACI

    public init(name: String, kind: Kind, role: RACI) {
        self.name = name
        self.kind = kind
        self.role = role
    }
}

public struct TrainingItem: Sendable, Equatable, Codable {
    public enum Audience: String, Sendable, Codable, CaseIterable { case endUsers, itStaff }
    public var title: String
    public var audience: Audience
    public var due: Date?
    public var done: Bool

    public init(title: String, audience: Audience, due: Date? = nil, done: Bool = false) {
        self.title = title
        self.audience = audience
        self.due = due
        self.done = done
    }
}

public struct NonFunctionalRequirement: Sendable, Equatable, Codable {
    public enum Category: String, Sendable, Codable, CaseIterable { case performance, availability, security, operability, other }
    public enum Status: String, Sendable, Codable, CaseIterable { case open, verified, failed }
    public var category: Category
    public var target: String
    public var verification: String
    public var status: Status

    public init(category: Category, target: String, verification: String = "", status: Status = .open) {
        self.category = category
        self.target = target
        self.verification = verification
        self.status = status
    }
}

/// One point of the operational readiness checklist (MCO, exploitabilité).
public struct ReadinessItem: Sendable, Equatable, Codable {
    public var title: String
    public var done: Bool

    public init(title: String, done: Bool = false) {
        self.title = title
        self.done = done
    }

    /// The checklist every new plan starts with; teams edit it freely.
    public static let standard: [ReadinessItem] = [
        ReadinessItem(title: "Monitoring probes in place"),
        ReadinessItem(title: "Backups of every configuration touched"),
        ReadinessItem(title: "Known failures documented"),
        ReadinessItem(title: "Support team briefed"),
    ]
}
