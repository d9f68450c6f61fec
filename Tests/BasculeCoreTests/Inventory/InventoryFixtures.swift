import BasculeCore
import Foundation

/// A small inventory: the payroll service on its API and batch, both on the payroll
/// database, on the PostgreSQL cluster; the shop on its own database on the same cluster.
enum Inventory {
    static func key(_ text: String) -> CIKey { CIKey(text)! }

    static func node(_ key: String, _ type: CIType = .application, team: String? = nil, criticality: Int = 2) -> DependencyGraph.Node {
        DependencyGraph.Node(key: CIKey(key)!, name: key, type: type, criticality: criticality, ownerTeam: team)
    }

    static let graph = DependencyGraph(
        nodes: [node("pg-cluster", .database, team: "dba"), node("payroll-db", .database, team: "dba"), node("payroll-api", team: "hr-apps"),
                node("payroll-batch", team: "hr-apps"), node("svc-payroll", .service, criticality: 1), node("shop-db", .database, team: "dba"),
                node("shop-front", team: "shop-team"), node("intranet", team: "web-team")],
        relations: [("payroll-db", "pg-cluster"), ("payroll-api", "payroll-db"), ("payroll-batch", "payroll-db"), ("svc-payroll", "payroll-api"),
                    ("svc-payroll", "payroll-batch"), ("shop-db", "pg-cluster"), ("shop-front", "shop-db")]
            .map { (dependent: key($0.0), dependency: key($0.1)) })

    static func scheduled(_ number: Int, _ start: String, _ end: String, items: [String], environment: String = "production",
                          status: ReleaseStatus = .planned) -> ScheduledRelease {
        let release = Release(key: ReleaseKey(number: number), fields: ReleaseFields(
            title: "Release \(number)", version: "1.\(number)", type: .minor, window: PlannedWindow(start: Paris.at(start), end: Paris.at(end)),
            environment: environment), status: status, createdAt: Paris.at("2027-01-04 09:00"))
        return ScheduledRelease(release: release, items: items.map(key))
    }

    static func detector(_ releases: [ScheduledRelease], maintenance: [MaintenanceWindow] = [], policy: ReleasePolicy = .empty) -> ConflictDetector {
        ConflictDetector(graph: graph, releases: releases, maintenance: maintenance, policy: policy)
    }

    static func conflicts(of subject: ScheduledRelease, in detector: ConflictDetector) -> [Conflict] {
        var scratch = ImpactScratch(size: detector.graph.nodes.count)
        return detector.conflicts(for: subject, scratch: &scratch)
    }
}
