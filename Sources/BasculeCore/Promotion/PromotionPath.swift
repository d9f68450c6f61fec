import Foundation

/// The environments a release goes through in turn before its own (recette, preproduction,
/// production), with where it stands on each.
///
/// The path is the installation's environments of kind test, preproduction and production, in
/// promotion order, up to the release's environment: one path for every release, as the
/// environments list orders them. Development is left out (nobody records deployments there)
/// unless it is the release's own environment.
public struct PromotionPath: Sendable, Equatable {
    /// Where a release stands on one environment, from its latest deployment there.
    public enum Standing: String, Sendable, Equatable, CaseIterable {
        /// Not deployed there yet.
        case pending
        /// The latest deployment there failed or was rolled back.
        case failed
        /// Deployed, and no test campaign recorded on that environment since.
        case untested
        /// Deployed, and the latest campaign of some kind there since has failures.
        case testsFailing
        /// Deployed, and every kind of test run there since passed.
        case passed

        /// What the next environment waits for: a success, and passing tests unless the rule waives them.
        public func allowsNext(requiringTests: Bool) -> Bool {
            switch self {
            case .passed: true
            case .untested, .testsFailing: !requiringTests
            case .pending, .failed: false
            }
        }
    }

    public struct Stop: Sendable, Equatable {
        public let environment: Environment
        /// Newest first.
        public let deployments: [EnvironmentDeployment]
        /// The campaigns run on this environment since its latest deployment, newest first.
        public let campaigns: [TestCampaign]
        public let standing: Standing

        public var latest: EnvironmentDeployment? { deployments.first }
    }

    /// Why an environment may not take the release yet.
    public struct Blocker: Sendable, Equatable {
        public let environment: String
        public let previous: String
        public let standing: Standing

        public var english: String {
            switch standing {
            case .pending: "it is not deployed on \(previous) yet"
            case .failed: "its latest deployment on \(previous) failed"
            case .untested: "no test campaign was run on \(previous) since it was deployed there"
            case .testsFailing: "tests fail on \(previous)"
            case .passed: "nothing"
            }
        }

        public var french: String {
            switch standing {
            case .pending: "elle n'est pas encore déployée sur \(previous)"
            case .failed: "son dernier déploiement sur \(previous) a échoué"
            case .untested: "aucune campagne de tests n'a été passée sur \(previous) depuis son déploiement"
            case .testsFailing: "des tests échouent sur \(previous)"
            case .passed: "rien"
            }
        }
    }

    public let stops: [Stop]

    public init(stops: [Stop]) {
        self.stops = stops
    }

    /// The path of a release bound for `target`, with each stop's deployments (any order) and the
    /// release's test campaigns read against them. Empty when the release has no environment or
    /// names one that does not exist.
    public init(target: String?, environments: [Environment], deployments: [EnvironmentDeployment], campaigns: [TestCampaign]) {
        let ordered = environments.sorted { ($0.order, $0.name) < ($1.order, $1.name) }
        guard let target, let end = ordered.firstIndex(where: { $0.name == target }) else {
            self.init(stops: [])
            return
        }
        let path = ordered[...end].filter { $0.kind != .development || $0.name == target }
        self.init(stops: path.map { environment in
            let here = deployments.filter { $0.environment == environment.name }.sorted { $0.at > $1.at }
            let since = here.first.map { latest in
                campaigns.filter { $0.environment == environment.name && $0.recordedAt >= latest.at }.sorted { $0.recordedAt > $1.recordedAt }
            } ?? []
            return Stop(environment: environment, deployments: here, campaigns: since, standing: Self.standing(here.first, since))
        })
    }

    private static func standing(_ latest: EnvironmentDeployment?, _ campaigns: [TestCampaign]) -> Standing {
        guard let latest else { return .pending }
        guard latest.outcome.succeeded else { return .failed }
        guard !campaigns.isEmpty else { return .untested }
        return campaigns.latestByKind().values.contains { $0.result.failed > 0 } ? .testsFailing : .passed
    }

    public var environments: [String] { stops.map(\.environment.name) }

    /// The furthest environment the release is deployed on (its latest deployment there succeeded).
    public var current: Stop? {
        stops.last { $0.latest?.outcome.succeeded == true }
    }

    /// The first environment it is not deployed on yet, after where it stands.
    public var next: Stop? {
        let start = current.flatMap { current in stops.firstIndex { $0.environment.name == current.environment.name } }.map { $0 + 1 } ?? 0
        return stops[start...].first { $0.latest?.outcome.succeeded != true }
    }

    /// What keeps the release from `environment`: the environment before it on the path, when
    /// that one does not allow the next. Nil for the first environment and for one off the path.
    public func blocker(before environment: String, requiringTests: Bool = true) -> Blocker? {
        guard let index = stops.firstIndex(where: { $0.environment.name == environment }), index > 0 else { return nil }
        let previous = stops[index - 1]
        guard !previous.standing.allowsNext(requiringTests: requiringTests) else { return nil }
        return Blocker(environment: environment, previous: previous.environment.name, standing: previous.standing)
    }

    /// The first blocker on the way to the last environment of the path (the release's own).
    public func blockerOnTheWay(requiringTests: Bool = true) -> Blocker? {
        stops.lazy.compactMap { blocker(before: $0.environment.name, requiringTests: requiringTests) }.first
    }
}
