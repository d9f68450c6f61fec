import Foundation

/// Which releases may have caused an incident, each with its evidence. A candidate was
/// deployed before the incident opened, within the window the policy sets (7 days by default),
/// and changed an item the incident affects or an item one of them depends on: DevLake's "the
/// latest deployment before it, whatever it touched" attributes too much and explains nothing.
public enum Attribution {
    public static let defaultWindow: TimeInterval = 7 * 86_400

    /// A release as attribution sees it: when it was deployed and what it changed.
    public struct Deployment: Sendable, Equatable {
        public let release: String
        public let deployedAt: Date
        public let items: [CIKey]

        public init(release: String, deployedAt: Date, items: [CIKey]) {
            self.release = release
            self.deployedAt = deployedAt
            self.items = items
        }
    }

    public struct Candidate: Sendable, Equatable {
        public let release: String
        /// From the changed item to the affected one, along "is depended on by": one item when
        /// the release changed the affected item itself.
        public let path: [String]
        public let sinceDeployment: TimeInterval
        /// 0…1: higher for a direct change, a short path and a recent deployment.
        public let confidence: Double
    }

    /// The candidates, most likely first. `graph`: the dependency graph of the inventory.
    public static func candidates(for incident: Incident, among deployments: [Deployment], graph: DependencyGraph,
                                  window: TimeInterval = defaultWindow) -> [Candidate] {
        let affected = Set(incident.items)
        var scratch = ImpactScratch(size: graph.nodes.count)
        var found: [Candidate] = []
        for deployment in deployments {
            let since = incident.openedAt.timeIntervalSince(deployment.deployedAt)
            guard since >= 0, since <= window else { continue }
            let sources = deployment.items.compactMap(graph.index(of:))
            let walk = scratch.walk(graph, from: sources, keepParents: true)
            var best: [String]?
            for position in walk.order.indices where affected.contains(graph.nodes[Int(walk.order[position])].key.text) {
                let path = walk.path(to: position).map { graph.nodes[Int($0)].key.text }
                if best == nil || path.count < best!.count { best = path }
            }
            guard let path = best else { continue }
            // One hop costs a third of the confidence; a week halves it.
            let closeness = pow(2.0 / 3.0, Double(path.count - 1))
            let recency = pow(0.5, since / window)
            found.append(Candidate(release: deployment.release, path: path, sinceDeployment: since, confidence: (closeness * recency * 100).rounded() / 100))
        }
        return found.sorted { ($0.confidence, -$0.sinceDeployment) > ($1.confidence, -$1.sinceDeployment) }
    }
}
