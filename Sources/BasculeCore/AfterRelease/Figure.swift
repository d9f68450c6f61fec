import Foundation

/// One figure of an indicator, checkable: what was counted over what, and the records behind
/// both. Without records to count over there is no figure: "no data", never 0.
public struct Figure: Sendable, Equatable {
    public let numerator: Int
    public let denominator: Int
    /// The records counted in the numerator (release keys, incident references).
    public let counted: [String]
    /// The records of the denominator.
    public let over: [String]

    public init(counted: [String], over: [String]) {
        self.counted = counted.sorted()
        self.over = over.sorted()
        self.numerator = counted.count
        self.denominator = over.count
    }

    /// The share, nil when there was nothing to count over.
    public var ratio: Double? { denominator == 0 ? nil : Double(numerator) / Double(denominator) }
}

/// A production deployment as the DORA figures count it.
public struct ProductionDeployment: Sendable, Equatable {
    public let release: String
    public let deployedAt: Date
    public let rolledBack: Bool

    public init(release: String, deployedAt: Date, rolledBack: Bool) {
        self.release = release
        self.deployedAt = deployedAt
        self.rolledBack = rolledBack
    }
}

public enum ChangeFailureRate {
    /// Production deployments with at least one confirmed incident, or rolled back, over
    /// production deployments: a deployment fails once however many incidents follow it (the
    /// mistake of dividing incidents by deployments, made by Four Keys, DevLake and GitLab at
    /// some point, counts two incidents after one deployment as two failures).
    /// `confirmed`: the incidents confirmed as caused by each release.
    public static func figure(_ deployments: [ProductionDeployment], confirmed: [String: [String]]) -> Figure {
        let failed = deployments.filter { $0.rolledBack || !(confirmed[$0.release] ?? []).isEmpty }.map(\.release)
        return Figure(counted: failed, over: deployments.map(\.release))
    }
}
