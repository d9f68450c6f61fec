import BasculeCore
import BasculeStore
import Foundation
import SQLKit

/// The release calendar: entries of a period, each release's conflicts, free windows, and
/// the iCalendar feed that calendar clients subscribe to with a read-only token.
public struct CalendarService: Sendable {
    let store: Store
    let now: @Sendable () -> Date
    let gate: Gatekeeper

    public init(store: Store, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.now = millisecondClock(now)
        self.gate = Gatekeeper(store: store, now: now)
    }

    /// The feed covers three months back and a year ahead.
    public static let feedPast: TimeInterval = 92 * 86_400
    public static let feedAhead: TimeInterval = 366 * 86_400

    /// The entries of the period, and the policy's time zone in which to show them.
    public func entries(_ query: CalendarQuery) async throws -> (timeZone: TimeZone, entries: [CalendarEntry]) {
        try await gate.require(.releaseRead)
        return try await refusing {
            try await store.withConnection { db in
                let calendar = try await calendar(query, in: db)
                let meetings = RequestOrigin.current.may(.meetingRead) ? try await meetingEntries(query, in: db).filter { !$0.cancelled } : []
                return (calendar.policy.clock.timeZone, (calendar.entries(query) + meetings).sorted { $0.start < $1.start })
            }
        }
    }

    private func calendar(_ query: CalendarQuery, in db: any SQLDatabase) async throws -> ReleaseCalendar {
        let policy = try await PolicyInForce.load(in: db)
        let snapshot = try await CalendarSnapshot.load(query.period, in: db, policy: policy, graphs: store.dependencyGraphs)
        let milestones = try await PlanRepository(db).milestones(of: snapshot.releases.map(\.release))
        return ReleaseCalendar(detector: snapshot.detector, releases: snapshot.releases, milestones: milestones,
                               maintenance: snapshot.maintenance, policy: policy)
    }

    public func conflicts(of key: String) async throws -> (release: Release, conflicts: [Conflict]) {
        try await gate.require(.releaseRead, on: key)
        return try await refusing {
            try await store.withConnection { db in
                let release = try await ReleaseService.load(key, from: ReleaseRepository(db))
                let policy = try await PolicyInForce.load(in: db)
                return (release, try await CalendarSnapshot.conflicts(of: release, in: db, policy: policy, graphs: store.dependencyGraphs))
            }
        }
    }

    /// The next windows where the release passes the policy's window rules with no conflict.
    /// The duration defaults to the current window's.
    public func slots(of key: String, within: String?, duration: String?, limit: Int?) async throws -> (request: SlotRequest, slots: [Slot]) {
        try await gate.require(.releaseRead, on: key)
        return try await refusing {
            try await store.withConnection { db in
                let release = try await ReleaseService.load(key, from: ReleaseRepository(db))
                let request = try SlotRequest.parse(within: within, duration: duration,
                                                    defaultDuration: release.window.map { $0.end.timeIntervalSince($0.start) }, limit: limit)
                let policy = try await PolicyInForce.load(in: db)
                let at = now()
                let horizon = DateInterval(start: at, end: at.addingTimeInterval(request.within))
                let snapshot = try await CalendarSnapshot.load(horizon, in: db, policy: policy, graphs: store.dependencyGraphs, margin: 0, also: release)
                let subject = snapshot.scheduled(release)
                return (request, SlotFinder(policy: policy, detector: snapshot.detector).slots(for: subject, request: request, now: at))
            }
        }
    }

    /// The meetings of the period with their attendees' addresses (a team's members included).
    /// Filtered by an environment or an item, the calendar shows no meeting; by a team, those it attends.
    private func meetingEntries(_ query: CalendarQuery, in db: any SQLDatabase) async throws -> [CalendarEntry] {
        guard query.environment == nil, query.item == nil else { return [] }
        var meetings = try await MeetingRepository(db).list(MeetingQuery(period: query.period), limit: 2_000)
        if let team = query.team { meetings = meetings.filter { $0.fields.teams.contains(team) } }
        guard !meetings.isEmpty else { return [] }
        let people = try await SubscriptionRepository(db).people()
        let teams = Dictionary(try await TeamRepository(db).all().map { ($0.name, $0.members) }, uniquingKeysWith: { first, _ in first })
        return meetings.map { meeting in
            var seen = Set<String>()
            let names = (meeting.fields.attendees + meeting.fields.teams.flatMap { teams[$0] ?? [] }).filter { seen.insert($0).inserted }
            let attendees = names.compactMap { name in
                people[name].flatMap { $0.active && !$0.email.isEmpty ? CalendarEntry.Attendee(name: name, email: $0.email) : nil }
            }
            return CalendarEntry(meeting, attendees: attendees)
        }
    }

    // MARK: - Feed

    /// A new subscription token for the signed-in user; the previous one stops working.
    /// The secret is shown once and stored hashed.
    public func createFeedToken() async throws -> String {
        try await gate.require(.releaseRead)
        let user = try gate.currentUser()
        let secret = "bcal_" + Secrets.random()
        try await refusing {
            try await store.transaction { db in
                try await CalendarFeedRepository(db).replace(userID: user.userID, secret: secret, at: now())
                try await AuditLog.record(.calendarFeed, target: "user:\(user.username)", summary: "calendar feed token issued", at: now(), in: db)
            }
        }
        return secret
    }

    public func revokeFeedToken() async throws {
        try await gate.require(.releaseRead)
        let user = try gate.currentUser()
        try await refusing {
            try await store.transaction { db in
                try await CalendarFeedRepository(db).revoke(userID: user.userID)
                try await AuditLog.record(.calendarFeed, target: "user:\(user.username)", summary: "calendar feed token revoked", at: now(), in: db)
            }
        }
    }

    /// The feed for the holder of `token`: the owner must still be active and allowed to read releases.
    public func feed(token: String, releaseURL: String?, environment: String? = nil) async throws -> String {
        try await refusing {
            try await store.withConnection { db in
                guard token.hasPrefix("bcal_"), token.count < 200, let owner = try await CalendarFeedRepository(db).owner(secret: token),
                      !owner.isDisabled, PermissionTable.allows(Set(owner.roles), .releaseRead)
                else { throw ServiceError.unauthorized("this calendar feed token is unknown or revoked") }
                let at = now()
                let period = DateInterval(start: at.addingTimeInterval(-Self.feedPast), end: at.addingTimeInterval(Self.feedAhead))
                let query = CalendarQuery(period: period, environment: environment)
                let calendar = try await calendar(query, in: db)
                let meetings = PermissionTable.allows(Set(owner.roles), .meetingRead) ? try await meetingEntries(query, in: db) : []
                return ICalendarFeed(name: "Bascule releases", timeZone: calendar.policy.clock.timeZone, releaseURL: releaseURL, generatedAt: at)
                    .render(calendar.entries(query, expandingRecurringMaintenance: false) + meetings, recurring: calendar.recurringMaintenance(query),
                            period: period)
            }
        }
    }
}
