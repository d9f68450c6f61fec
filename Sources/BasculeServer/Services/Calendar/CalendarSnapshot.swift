import BasculeCore
import BasculeStore
import Foundation
import SQLKit

/// What the calendar knows of a period, read in one go: the releases whose windows overlap
/// it with the items they modify, the maintenance windows, the policy and the dependency graph.
struct CalendarSnapshot {
    let releases: [ScheduledRelease]
    let maintenance: [MaintenanceWindow]
    let policy: ReleasePolicy
    let detector: ConflictDetector

    /// Releases reaching into the period from either side by up to `margin` are read too,
    /// so that a release at the edge still sees what it overlaps.
    static func load(_ period: DateInterval, in db: any SQLDatabase, policy: ReleasePolicy, graphs: DependencyGraphCache,
                     margin: TimeInterval = 7 * 86_400, also subject: Release? = nil) async throws -> CalendarSnapshot {
        let widened = DateInterval(start: period.start.addingTimeInterval(-margin), end: period.end.addingTimeInterval(margin))
        var releases = try await ReleaseRepository(db).overlapping(widened)
        if let subject, !releases.contains(where: { $0.id == subject.id }) { releases.append(subject) }
        let items = try await InventoryRepository(db).itemsByRelease(ids: releases.map(\.id))
        let scheduled = releases.map { ScheduledRelease(release: $0, items: items[$0.id] ?? []) }
        let maintenance = try await MaintenanceWindowRepository(db).all()
        let graph = try await graphs.graph(in: db)
        let detector = ConflictDetector(graph: graph, releases: scheduled, maintenance: maintenance, policy: policy,
                                        dependencyConflicts: try await dependencyConflicts(of: releases, in: db))
        return CalendarSnapshot(releases: scheduled, maintenance: maintenance, policy: policy, detector: detector)
    }

    /// The dependencies the plans of `releases` do not honour, as conflicts of the dependent release.
    static func dependencyConflicts(of releases: [Release], in db: any SQLDatabase) async throws -> [ReleaseKey: [Conflict]] {
        let known = Dictionary(releases.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let dependencies = try await DependencyRepository(db).all().filter { known[$0.release] != nil }
        guard !dependencies.isEmpty else { return [:] }
        var involved = known
        for key in Set(dependencies.map(\.on)) where involved[key] == nil {
            involved[key] = try await ReleaseRepository(db).find(key)
        }
        let standings = involved.mapValues { DependencyRules.Standing(status: $0.status, window: $0.window) }
        var result: [ReleaseKey: [Conflict]] = [:]
        for problem in DependencyRules.orderProblems(dependencies, standings: standings) {
            result[problem.dependency.release, default: []].append(problem.conflict(otherTitle: involved[problem.dependency.on]?.fields.title))
        }
        return result
    }

    func scheduled(_ release: Release) -> ScheduledRelease {
        releases.first { $0.release.id == release.id } ?? ScheduledRelease(release: release, items: [])
    }

    /// The conflicts of one release; none without a window.
    static func conflicts(of release: Release, in db: any SQLDatabase, policy: ReleasePolicy, graphs: DependencyGraphCache) async throws -> [Conflict] {
        guard let window = release.window else { return [] }
        let snapshot = try await load(DateInterval(start: window.start, end: window.end), in: db, policy: policy, graphs: graphs, margin: 0, also: release)
        var scratch = ImpactScratch(size: snapshot.detector.graph.nodes.count)
        return snapshot.detector.conflicts(for: snapshot.scheduled(release), scratch: &scratch)
    }
}
