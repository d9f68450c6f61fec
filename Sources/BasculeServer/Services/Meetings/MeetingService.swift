import BasculeCore
import BasculeStore
import Foundation
import SQLKit

/// Meetings: planning them, their minutes, closing them with their actions, cancelling.
/// The agenda and decisions are in `MeetingService+Agenda`, series in `MeetingSeriesService`.
public struct MeetingService: Sendable {
    let store: Store
    let now: @Sendable () -> Date
    let gate: Gatekeeper

    public init(store: Store, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.now = millisecondClock(now)
        self.gate = Gatekeeper(store: store, now: now)
    }

    /// A meeting as its page and the API show it.
    public struct Detail: Sendable {
        public let meeting: Meeting
        public let agenda: [AgendaLine]
        public let actions: [ActionItem]
        public let series: MeetingSeries?
        /// The next open meeting of its series: the default due date of its actions.
        public let next: Meeting?
        /// Whether the signed-in person may decide on its agenda (an approver who attends).
        public let mayDecide: Bool
    }

    public static let longestMinutes = 100_000

    public func create(_ fields: MeetingFields) async throws -> Meeting {
        try await gate.require(.meetingManage)
        return try await refusing {
            let checked = try fields.validated()
            return try await store.transaction { db in
                try await Self.checkAttendees(checked, in: db)
                let meeting = Meeting(key: try await MeetingRepository(db).nextKey(), fields: checked, createdBy: RequestOrigin.current.actor, createdAt: now())
                try await MeetingRepository(db).insert(meeting)
                try await AuditLog.record(.meetingCreate, target: meeting.key.description,
                                          summary: "\(checked.kind.rawValue) \"\(checked.title)\" at \(checked.start.formatted(.iso8601))", at: now(), in: db)
                return meeting
            }
        }
    }

    public func update(_ key: String, fields: MeetingFields, ifRevision: Int? = nil) async throws -> Meeting {
        try await gate.require(.meetingManage, on: key)
        return try await refusing {
            let checked = try fields.validated()
            return try await store.transaction { db in
                var meeting = try await Self.load(key, in: db)
                try Self.checkOpen(meeting, ifRevision: ifRevision)
                try await Self.checkAttendees(checked, in: db)
                meeting.fields = checked
                try await save(&meeting, in: db)
                try await AuditLog.record(.meetingUpdate, target: meeting.key.description, summary: "now \"\(checked.title)\" at \(checked.start.formatted(.iso8601))",
                                          at: now(), in: db)
                return meeting
            }
        }
    }

    public func setMinutes(_ key: String, minutes: String, ifRevision: Int? = nil) async throws -> Meeting {
        try await gate.require(.meetingManage, on: key)
        return try await refusing {
            guard minutes.textLength <= Self.longestMinutes else {
                throw ServiceError.invalid([FieldError("minutes", "must be at most \(Self.longestMinutes) characters")])
            }
            if let refused = TextRule.checkDocument(minutes, field: "minutes") { throw ServiceError.invalid([refused]) }
            return try await store.transaction { db in
                var meeting = try await Self.load(key, in: db)
                try Self.checkOpen(meeting, ifRevision: ifRevision)
                meeting.minutes = minutes
                try await save(&meeting, in: db)
                try await AuditLog.record(.meetingMinutes, target: meeting.key.description, summary: "minutes written (\(minutes.count) characters)", at: now(), in: db)
                return meeting
            }
        }
    }

    /// Closes the meeting: it needs its actions handed out, or a statement that none was needed.
    /// The agenda it had is kept as it stood.
    public func close(_ key: String, noActionsReason: String?) async throws -> Meeting {
        try await gate.require(.meetingManage, on: key)
        return try await refusing {
            try await store.transaction { db in
                let meeting = try await Self.load(key, in: db)
                let actions = try await ActionRepository(db).count(ofMeeting: meeting)
                let agenda = try await agendaLines(of: meeting, in: db, assess: false)
                var closed = try meeting.closing(actions: actions, noActionsReason: noActionsReason, by: RequestOrigin.current.actor, at: now())
                try await MeetingRepository(db).setAgenda(agenda.map(\.item), of: meeting)
                try await save(&closed, in: db)
                let summary = actions > 0 ? "closed with \(actions) action(s)" : "closed; no action needed: \(closed.noActionsReason ?? "")"
                try await AuditLog.record(.meetingClose, target: meeting.key.description, summary: summary, at: now(), in: db)
                return closed
            }
        }
    }

    public func cancel(_ key: String) async throws -> Meeting {
        try await gate.require(.meetingManage, on: key)
        return try await refusing {
            try await store.transaction { db in
                var meeting = try await Self.load(key, in: db)
                try Self.checkOpen(meeting, ifRevision: nil)
                guard meeting.decisions.isEmpty else {
                    throw ServiceError.conflict("\(meeting.key) holds decisions; close it instead of cancelling it")
                }
                meeting.status = .cancelled
                try await save(&meeting, in: db)
                try await AuditLog.record(.meetingCancel, target: meeting.key.description, summary: "cancelled", at: now(), in: db)
                return meeting
            }
        }
    }

    public func get(_ key: String) async throws -> Detail {
        try await gate.require(.meetingRead, on: key)
        return try await refusing {
            try await store.withConnection { db in
                let meeting = try await Self.load(key, in: db)
                let series = try await meeting.seriesID.asyncMap { try await MeetingSeriesRepository(db).find($0) } ?? nil
                let next = try await meeting.seriesID.asyncMap { try await MeetingRepository(db).next(ofSeries: $0, after: meeting.fields.start) } ?? nil
                return Detail(meeting: meeting, agenda: try await agendaLines(of: meeting, in: db, assess: meeting.isOpen),
                              actions: try await ActionRepository(db).list(ActionQuery(meeting: meeting.key)), series: series, next: next,
                              mayDecide: try await mayDecide(in: meeting, in: db))
            }
        }
    }

    /// Meetings starting in `period` (default: four weeks back to eight ahead), optionally only
    /// those the signed-in person attends.
    public func list(period: DateInterval? = nil, kind: MeetingKind? = nil, mine: Bool = false, release: String? = nil) async throws -> [Meeting] {
        try await gate.require(.meetingRead)
        return try await refusing {
            let at = now()
            var query = MeetingQuery(period: period ?? DateInterval(start: at.addingTimeInterval(-28 * 86_400), end: at.addingTimeInterval(MeetingSeries.horizon)),
                                     kind: kind)
            if let release {
                guard let releaseKey = ReleaseKey(release) else { throw ServiceError.invalid([FieldError("release", "\"\(release)\" is not a release key")]) }
                query.release = releaseKey
            }
            let me = mine ? try gate.currentUser().username : nil
            let asked = query
            return try await store.withConnection { db in
                var query = asked
                if let me {
                    query.attendee = me
                    query.teams = try await Self.teams(of: me, in: db)
                }
                return try await MeetingRepository(db).list(query)
            }
        }
    }

    // MARK: -

    static func load(_ key: String, in db: any SQLDatabase) async throws -> Meeting {
        guard let meetingKey = MeetingKey(key), let meeting = try await MeetingRepository(db).find(meetingKey) else {
            throw ServiceError.notFound("meeting \(key)")
        }
        return meeting
    }

    static func checkOpen(_ meeting: Meeting, ifRevision: Int?) throws {
        guard meeting.isOpen else { throw ServiceError.conflict("\(meeting.key) is \(meeting.status.rawValue); its record can no longer change") }
        if let ifRevision, ifRevision != meeting.revision { throw ServiceError.stale(current: meeting.revision) }
    }

    /// Every attendee is a person Bascule knows and every team exists; the message names the first that does not.
    static func checkAttendees(_ fields: MeetingFields, in db: any SQLDatabase) async throws {
        let users = UserRepository(db)
        for name in fields.attendees where try await users.named(name) == nil {
            throw ServiceError.invalid([FieldError("attendees", "there is no user \(name)")])
        }
        let teams = TeamRepository(db)
        for name in fields.teams where try await teams.named(name) == nil {
            throw ServiceError.invalid([FieldError("teams", "there is no team \(name)")])
        }
    }

    func save(_ meeting: inout Meeting, in db: any SQLDatabase) async throws {
        let previous = meeting.revision
        meeting.revision += 1
        guard try await MeetingRepository(db).update(meeting, previousRevision: previous) else { throw ServiceError.stale(current: previous) }
    }

    /// An approver who attends, in person or with one of their teams.
    func mayDecide(in meeting: Meeting, in db: any SQLDatabase) async throws -> Bool {
        guard meeting.isOpen, case .user(let identity) = RequestOrigin.current.principal, identity.may(.approvalDecide) else { return false }
        return meeting.attends(identity.username, teamsOf: try await Self.teams(of: identity.username, in: db))
    }

    static func teams(of username: String, in db: any SQLDatabase) async throws -> [String] {
        try await TeamRepository(db).all().filter { $0.members.contains(username) }.map(\.name)
    }
}
