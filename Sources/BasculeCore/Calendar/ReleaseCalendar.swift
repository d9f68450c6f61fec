import Foundation

/// One thing on the calendar: a release's cutover, a maintenance window, a freeze, a milestone, a meeting.
public struct CalendarEntry: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case release, maintenance, freeze, milestone, meeting }

    /// Someone invited to a meeting, as a calendar client lists them.
    public struct Attendee: Sendable, Equatable {
        public let name: String
        public let email: String

        public init(name: String, email: String) {
            self.name = name
            self.email = email
        }
    }

    /// Stable across reads, so that calendar clients update an event instead of adding it again.
    public let uid: String
    public let kind: Kind
    public let title: String
    public let start: Date
    public let end: Date
    public let environment: String?
    public let release: ReleaseKey?
    public let status: ReleaseStatus?
    public let items: [CIKey]
    public let detail: String
    public let conflicts: [Conflict]
    /// A meeting's key, place and attendees.
    public var meeting: MeetingKey? = nil
    public var place: String? = nil
    public var attendees: [Attendee] = []
    public var cancelled = false

    public init(uid: String, kind: Kind, title: String, start: Date, end: Date, environment: String?, release: ReleaseKey?,
                status: ReleaseStatus?, items: [CIKey], detail: String, conflicts: [Conflict]) {
        self.uid = uid
        self.kind = kind
        self.title = title
        self.start = start
        self.end = end
        self.environment = environment
        self.release = release
        self.status = status
        self.items = items
        self.detail = detail
        self.conflicts = conflicts
    }
}

/// What the calendar is asked for: a period and optional filters.
public struct CalendarQuery: Sendable, Equatable {
    public static let longest: TimeInterval = 400 * 86_400
    public let period: DateInterval
    public var environment: String?
    public var item: CIKey?
    public var team: String?

    public init(period: DateInterval, environment: String? = nil, item: CIKey? = nil, team: String? = nil) {
        self.period = period
        self.environment = environment
        self.item = item
        self.team = team
    }

    /// Refuses an end before the start and periods longer than about a year.
    public static func validated(from: Date, to: Date, environment: String? = nil, item: String? = nil, team: String? = nil) throws(CoreError) -> CalendarQuery {
        var errors: [FieldError] = []
        if to <= from { errors.append(FieldError("to", "must be after from")) }
        if to.timeIntervalSince(from) > longest { errors.append(FieldError("to", "the calendar shows at most 400 days at once")) }
        var key: CIKey?
        if let item, !item.isEmpty {
            key = CIKey(item)
            if key == nil { errors.append(FieldError("ci", CIKey.rule)) }
        }
        guard errors.isEmpty else { throw .invalid(errors) }
        return CalendarQuery(period: DateInterval(start: from, end: to), environment: environment?.isEmpty == true ? nil : environment,
                             item: key, team: team?.isEmpty == true ? nil : team)
    }
}

/// Lays out the calendar of a period: every release with a window (cancelled ones left out),
/// its milestones, the maintenance windows and the policy's freezes, with each release's
/// conflicts attached. Recurring windows and freezes are expanded into their occurrences.
public struct ReleaseCalendar: Sendable {
    public let detector: ConflictDetector
    public let releases: [ScheduledRelease]
    public let milestones: [ReleaseKey: [Milestone]]
    public let maintenance: [MaintenanceWindow]
    public let policy: ReleasePolicy

    public init(detector: ConflictDetector, releases: [ScheduledRelease], milestones: [ReleaseKey: [Milestone]],
                maintenance: [MaintenanceWindow], policy: ReleasePolicy) {
        self.detector = detector
        self.releases = releases
        self.milestones = milestones
        self.maintenance = maintenance
        self.policy = policy
    }

    /// With `expandingRecurringMaintenance` false, recurring maintenance windows are left out
    /// (see `recurringMaintenance`): a feed writes them once with their rule.
    public func entries(_ query: CalendarQuery, expandingRecurringMaintenance: Bool = true) -> [CalendarEntry] {
        let period = query.period
        let conflicts = detector.scan(period)
        let graph = detector.graph
        let itemsOfTeam: Set<CIKey>? = query.team.map { team in
            Set(graph.nodes.filter { $0.ownerTeam?.lowercased() == team.lowercased() }.map(\.key))
        }
        var scratch = ImpactScratch(size: graph.nodes.count)
        func shows(_ scheduled: ScheduledRelease) -> Bool {
            let release = scheduled.release
            if let environment = query.environment, release.environment?.lowercased() != environment.lowercased() { return false }
            if let itemsOfTeam, !scheduled.items.contains(where: itemsOfTeam.contains) { return false }
            if let item = query.item {
                // A release concerns an item it modifies, or one the item depends on.
                guard let target = graph.index(of: item) else { return false }
                _ = scratch.walk(graph, from: scheduled.items.compactMap(graph.index(of:)))
                if !scratch.reached(target) { return false }
            }
            return true
        }
        var entries: [CalendarEntry] = []
        for scheduled in releases where scheduled.release.status != .cancelled && shows(scheduled) {
            let release = scheduled.release
            if let window = scheduled.window, window.end > period.start, window.start < period.end {
                let found = conflicts[release.key] ?? []
                entries.append(CalendarEntry(
                    uid: "release-\(release.key)", kind: .release, title: "\(release.key) \(release.title) \(release.version)",
                    start: window.start, end: window.end, environment: release.environment, release: release.key, status: release.status,
                    items: scheduled.items, detail: "status \(release.status.rawValue)", conflicts: found))
            }
            for (position, milestone) in (milestones[release.key] ?? []).enumerated() where period.contains(milestone.due) {
                entries.append(CalendarEntry(
                    uid: "milestone-\(release.key)-\(position)", kind: .milestone, title: "\(release.key) \(milestone.name)",
                    start: milestone.due, end: milestone.due, environment: release.environment, release: release.key, status: nil,
                    items: [], detail: milestone.doneAt == nil ? "due" : "done", conflicts: []))
            }
        }
        for window in maintenance where showsMaintenance(window, query, itemsOfTeam) {
            if !expandingRecurringMaintenance, case .recurring = window.occurrence { continue }
            for occurrence in window.occurrences(overlapping: period) {
                entries.append(CalendarEntry(
                    uid: "maintenance-\(window.id.uuidString.lowercased())-\(Int(occurrence.start.timeIntervalSince1970))", kind: .maintenance,
                    title: window.name, start: occurrence.start, end: occurrence.end, environment: window.environments.first,
                    release: nil, status: nil, items: window.items, detail: window.summary.en, conflicts: []))
            }
        }
        for rule in policy.rules.compactMap({ $0 as? FreezeRule }) where showsFreeze(rule, query) {
            let occurrences: [DateInterval]
            switch rule.period {
            case .oneOff(let interval): occurrences = interval.end > period.start && interval.start < period.end ? [interval] : []
            case .recurring(let schedule): occurrences = schedule.occurrences(overlapping: period, clock: policy.clock)
            }
            for occurrence in occurrences {
                entries.append(CalendarEntry(
                    uid: "freeze-\(rule.id)-\(Int(occurrence.start.timeIntervalSince1970))", kind: .freeze, title: rule.reason,
                    start: occurrence.start, end: occurrence.end, environment: nil, release: nil, status: nil, items: [],
                    detail: "freeze rule \(rule.id)", conflicts: []))
            }
        }
        return entries.sorted { ($0.start, $0.kind.rawValue, $0.uid) < ($1.start, $1.kind.rawValue, $1.uid) }
    }

    /// The recurring maintenance windows the query shows.
    public func recurringMaintenance(_ query: CalendarQuery) -> [MaintenanceWindow] {
        let itemsOfTeam: Set<CIKey>? = query.team.map { team in
            Set(detector.graph.nodes.filter { $0.ownerTeam?.lowercased() == team.lowercased() }.map(\.key))
        }
        return maintenance.filter { window in
            guard case .recurring = window.occurrence else { return false }
            return showsMaintenance(window, query, itemsOfTeam)
        }
    }

    private func showsMaintenance(_ window: MaintenanceWindow, _ query: CalendarQuery, _ itemsOfTeam: Set<CIKey>?) -> Bool {
        if let environment = query.environment, !window.environments.isEmpty,
           !window.environments.contains(where: { $0.lowercased() == environment.lowercased() }) { return false }
        if let item = query.item, !window.items.isEmpty, !window.items.contains(item) { return false }
        if let itemsOfTeam, !window.items.isEmpty, !window.items.contains(where: itemsOfTeam.contains) { return false }
        return true
    }

    private func showsFreeze(_ rule: FreezeRule, _ query: CalendarQuery) -> Bool {
        guard let environment = query.environment, case .environment(let scoped) = rule.scope else { return true }
        return scoped.lowercased() == environment.lowercased()
    }
}

extension CalendarEntry {
    /// A meeting on the calendar, with who attends (teams' members included, once each).
    public init(_ meeting: Meeting, attendees: [Attendee]) {
        self.init(uid: "meeting-\(meeting.id.uuidString.lowercased())", kind: .meeting, title: meeting.fields.title, start: meeting.fields.start,
                  end: meeting.fields.end, environment: nil, release: nil, status: nil, items: [],
                  detail: meeting.fields.kind.name.en + (meeting.agenda.isEmpty ? "" : " · " + meeting.agenda.map(\.release.description).joined(separator: ", ")), conflicts: [])
        self.meeting = meeting.key
        self.place = meeting.fields.place.isEmpty ? nil : meeting.fields.place
        self.attendees = attendees
        self.cancelled = meeting.status == .cancelled
    }
}
