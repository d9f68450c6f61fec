import BasculeCore
import BasculeStore
import Foundation
import SQLKit

/// The indicators of a period and the daily, weekly and monthly reports, read from the
/// deployments table (one row per cutover), the incidents and their attributions.
public struct ReportService: Sendable {
    let store: Store
    let now: @Sendable () -> Date
    let gate: Gatekeeper

    init(store: Store, now: @escaping @Sendable () -> Date) {
        self.store = store
        self.now = millisecondClock(now)
        self.gate = Gatekeeper(store: store, now: now)
    }

    /// The longest period indicators are computed over in one go.
    public static let longest: TimeInterval = 3 * 366 * 86_400

    public func indicators(over period: DateInterval, filter: IndicatorFilter = IndicatorFilter()) async throws -> IndicatorSet {
        try await gate.require(.incidentRead)
        guard period.duration > 0, period.duration <= Self.longest else {
            throw ServiceError.invalid([FieldError("to", "must be after from, and at most three years after it")])
        }
        let policy = try await store.withConnection { try await PolicyInForce.load(in: $0) }
        return try await Self.indicators(over: period, filter: filter, incidentDays: policy.afterRelease.incidentDays, store: store)
    }

    /// What the indicators read: four independent reads, each on a connection of its own so that
    /// they run side by side (a quarter over 100,000 releases: docs/BENCHMARKS.md, "Indicators").
    /// The server's path, and the benchmark's.
    public static func indicators(over period: DateInterval, filter: IndicatorFilter, incidentDays: Int, store: Store) async throws -> IndicatorSet {
        async let ended = store.withConnection { try await DeploymentRepository($0).ended(in: period, filter: filter) }
        async let changes = store.withConnection { try await DeploymentRepository($0).changes(in: period, filter: filter) }
        async let confirmed = store.withConnection { try await DeploymentRepository($0).confirmedIncidents(in: period, filter: filter) }
        async let incidents = store.withConnection { try await IncidentRepository($0).opened(in: period, filter: filter) }
        return IndicatorSet(period: period, deployments: try await ended, changes: try await changes, incidents: try await incidents,
                            confirmed: try await confirmed, incidentDays: incidentDays)
    }

    /// The report of the period holding `at` (the last complete one when nil), in the policy's time zone.
    public func report(_ period: ReportPeriod, at: Date? = nil, filter: IndicatorFilter = IndicatorFilter()) async throws -> PeriodReport {
        try await gate.require(.incidentRead)
        return try await refusing {
            let policy = try await store.withConnection { try await PolicyInForce.load(in: $0) }
            let zone = policy.clock.timeZone
            let moment = now()
            let interval = at.map { period.interval(containing: $0, timeZone: zone) } ?? period.lastComplete(at: moment, timeZone: zone)
            let next = period.interval(containing: interval.start.addingTimeInterval(1), offset: 1, timeZone: zone)
            // Each period's indicators take connections of their own: none is held meanwhile.
            var history: [IndicatorSet] = []
            for offset in stride(from: -(PeriodReport.trendLength - 1), through: 0, by: 1) {
                let span = period.interval(containing: interval.start.addingTimeInterval(1), offset: offset, timeZone: zone)
                history.append(try await Self.indicators(over: span, filter: filter, incidentDays: policy.afterRelease.incidentDays, store: store))
            }
            let records = history
            return try await store.withConnection { db in
                let releases = ReleaseRepository(db)
                let ended = try await DeploymentRepository(db).ended(in: interval, filter: filter)
                var titles: [String: String] = [:]
                for deployment in ended where titles[deployment.release] == nil {
                    if let key = ReleaseKey(deployment.release) { titles[deployment.release] = try await releases.find(key)?.fields.title ?? "" }
                }
                let cutovers = ended.map { PeriodReport.Cutover($0, title: titles[$0.release] ?? "") }
                let (upcoming, freezes) = try await ahead(next, filter: filter, policy: policy, in: db)
                let overdue = try await overdueMilestones(at: min(moment, interval.end), filter: filter, in: db)
                let incidents = try await incidentLines(in: interval, filter: filter, in: db)
                return PeriodReport(period: period, interval: interval, next: next, timeZone: zone, filter: filter, generatedAt: moment,
                                    cutovers: cutovers, upcoming: upcoming, freezes: freezes, overdue: overdue, incidents: incidents, history: records)
            }
        }
    }

    /// The releases planned in the next period with their conflicts, and the freezes in it.
    private func ahead(_ next: DateInterval, filter: IndicatorFilter, policy: ReleasePolicy, in db: any SQLDatabase) async throws -> ([PeriodReport.Upcoming], [PeriodReport.Freeze]) {
        let snapshot = try await CalendarSnapshot.load(next, in: db, policy: policy, graphs: store.dependencyGraphs)
        let milestones = try await PlanRepository(db).milestones(of: snapshot.releases.map(\.release))
        let calendar = ReleaseCalendar(detector: snapshot.detector, releases: snapshot.releases, milestones: milestones, maintenance: snapshot.maintenance, policy: policy)
        let entries = calendar.entries(CalendarQuery(period: next, environment: filter.environment, item: filter.item.flatMap(CIKey.init), team: filter.team))
        let byKey = Dictionary(snapshot.releases.map { ($0.release.key, $0.release) }) { first, _ in first }
        var upcoming: [PeriodReport.Upcoming] = [], freezes: [PeriodReport.Freeze] = []
        for entry in entries {
            switch entry.kind {
            case .release:
                guard let key = entry.release, let release = byKey[key], entry.start >= next.start, entry.start < next.end,
                      ![ReleaseStatus.cancelled, .draft, .rolledBack, .failed].contains(release.status) else { continue }
                if let tag = filter.tag, !release.fields.tags.contains(tag) { continue }
                upcoming.append(PeriodReport.Upcoming(release: key.description, title: release.fields.title, status: release.status,
                                                      environment: release.fields.environment, start: entry.start, end: entry.end, conflicts: entry.conflicts))
            case .freeze:
                // A freeze the calendar shows day by day reads as one stretch.
                if let index = freezes.lastIndex(where: { $0.title == entry.title }), entry.start <= freezes[index].end.addingTimeInterval(60) {
                    freezes[index] = PeriodReport.Freeze(title: entry.title, start: freezes[index].start, end: max(entry.end, freezes[index].end))
                } else {
                    freezes.append(PeriodReport.Freeze(title: entry.title, start: entry.start, end: entry.end))
                }
            case .maintenance, .milestone, .meeting:
                continue
            }
        }
        return (upcoming, freezes)
    }

    /// Milestones past due and not done, of releases still under way (planned in the last 180
    /// days or later).
    private func overdueMilestones(at moment: Date, filter: IndicatorFilter, in db: any SQLDatabase) async throws -> [PeriodReport.OverdueMilestone] {
        let open: Set<ReleaseStatus> = [.draft, .planned, .approved, .ready, .inProgress]
        let releases = try await ReleaseRepository(db).overlapping(DateInterval(start: moment.addingTimeInterval(-180 * 86_400), end: moment.addingTimeInterval(366 * 86_400)))
            .filter { open.contains($0.status) && (filter.environment == nil || $0.fields.environment == filter.environment)
                && (filter.tag == nil || $0.fields.tags.contains(filter.tag ?? "")) }
        let milestones = try await PlanRepository(db).milestones(of: releases)
        return releases.flatMap { release in
            (milestones[release.key] ?? []).filter { $0.isOverdue(at: moment) }.map {
                PeriodReport.OverdueMilestone(release: release.key.description, title: release.fields.title, milestone: $0.name, due: $0.due)
            }
        }
    }

    private func incidentLines(in interval: DateInterval, filter: IndicatorFilter, in db: any SQLDatabase) async throws -> [PeriodReport.IncidentLine] {
        let incidents = IncidentRepository(db)
        var lines: [PeriodReport.IncidentLine] = []
        for incident in try await incidents.opened(in: interval, filter: filter) {
            guard let stored = try await incidents.find(reference: incident.reference) else { continue }
            let causes = try await incidents.attributions(of: stored.id).filter { $0.state != .rejected }.map {
                PeriodReport.IncidentLine.Cause(release: $0.release, state: $0.state.rawValue, confidence: $0.confidence, path: $0.path)
            }
            lines.append(PeriodReport.IncidentLine(reference: incident.reference, title: incident.title, severity: incident.severity,
                                                   openedAt: incident.openedAt, resolvedAt: incident.resolvedAt, causes: causes))
        }
        return lines
    }
}
