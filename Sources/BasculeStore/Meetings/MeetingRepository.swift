import BasculeCore
import Foundation
import SQLKit

/// Which meetings a list shows.
public struct MeetingQuery: Sendable, Equatable {
    /// Meetings that start inside it.
    public var period: DateInterval?
    public var kind: MeetingKind?
    /// A username: the meetings they attend in person or through one of `teams`.
    public var attendee: String?
    public var teams: [String]
    /// Meetings with this release on their agenda.
    public var release: ReleaseKey?

    public init(period: DateInterval? = nil, kind: MeetingKind? = nil, attendee: String? = nil, teams: [String] = [], release: ReleaseKey? = nil) {
        self.period = period
        self.kind = kind
        self.attendee = attendee
        self.teams = teams
        self.release = release
    }
}

/// Meetings with their agenda and decisions.
public struct MeetingRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    private static let columns = """
        id, number, series_id, kind, title, starts_at, ends_at, place, attendees, teams, minutes, no_actions, status, created_by, created_at,
        closed_at, closed_by, revision
        """

    public func nextKey() async throws -> MeetingKey {
        try await db.raw("UPDATE sequences SET value = value + 1 WHERE name = 'meeting'").run()
        guard let number = try await db.raw("SELECT value FROM sequences WHERE name = 'meeting'").first()?.decode(column: "value", as: Int.self) else {
            throw StoreError.corruptRow("the meeting sequence is missing")
        }
        return MeetingKey(number: number)
    }

    /// Stores a new meeting (its agenda and decisions come separately). An occurrence of a
    /// series that already exists is a duplicate.
    public func insert(_ meeting: Meeting) async throws {
        let f = meeting.fields
        do {
            try await db.raw("""
                INSERT INTO meetings (id, number, series_id, kind, title, starts_at, ends_at, place, attendees, teams, minutes, no_actions, status,
                    created_by, created_at, closed_at, closed_by, revision)
                VALUES (\(bind: meeting.id.uuidString), \(bind: Int64(meeting.key.number)), \(bind: meeting.seriesID?.uuidString), \(bind: f.kind.rawValue),
                        \(bind: f.title), \(bind: Columns.millis(f.start)), \(bind: Columns.millis(f.end)), \(bind: f.place),
                        \(bind: Columns.json(f.attendees)), \(bind: Columns.json(f.teams)), \(bind: meeting.minutes), \(bind: meeting.noActionsReason),
                        \(bind: meeting.status.rawValue), \(bind: meeting.createdBy), \(bind: Columns.millis(meeting.createdAt)),
                        \(bind: meeting.closedAt.map(Columns.millis)), \(bind: meeting.closedBy), \(bind: Int64(meeting.revision)))
                """).run()
        } catch where Store.isUniqueViolation(error) {
            throw StoreError.duplicate("a meeting \(meeting.key) or an occurrence of its series at that time")
        }
    }

    /// Stores an occurrence of a series unless another writer stored that occurrence first
    /// (then false, and nothing is written).
    public func insertOccurrence(_ meeting: Meeting) async throws -> Bool {
        let f = meeting.fields
        return !(try await db.raw("""
            INSERT INTO meetings (id, number, series_id, kind, title, starts_at, ends_at, place, attendees, teams, minutes, no_actions, status,
                created_by, created_at, closed_at, closed_by, revision)
            VALUES (\(bind: meeting.id.uuidString), \(bind: Int64(meeting.key.number)), \(bind: meeting.seriesID?.uuidString), \(bind: f.kind.rawValue),
                    \(bind: f.title), \(bind: Columns.millis(f.start)), \(bind: Columns.millis(f.end)), \(bind: f.place),
                    \(bind: Columns.json(f.attendees)), \(bind: Columns.json(f.teams)), '', NULL, 'open', \(bind: meeting.createdBy),
                    \(bind: Columns.millis(meeting.createdAt)), NULL, NULL, 1)
            ON CONFLICT DO NOTHING RETURNING id
            """).all()).isEmpty
    }

    /// Writes what a meeting says when its revision is still `previousRevision`; false when
    /// someone else changed it first.
    public func update(_ meeting: Meeting, previousRevision: Int) async throws -> Bool {
        let f = meeting.fields
        return !(try await db.raw("""
            UPDATE meetings SET kind = \(bind: f.kind.rawValue), title = \(bind: f.title), starts_at = \(bind: Columns.millis(f.start)),
                ends_at = \(bind: Columns.millis(f.end)), place = \(bind: f.place), attendees = \(bind: Columns.json(f.attendees)),
                teams = \(bind: Columns.json(f.teams)), minutes = \(bind: meeting.minutes), no_actions = \(bind: meeting.noActionsReason),
                status = \(bind: meeting.status.rawValue), closed_at = \(bind: meeting.closedAt.map(Columns.millis)), closed_by = \(bind: meeting.closedBy),
                revision = \(bind: Int64(meeting.revision))
            WHERE id = \(bind: meeting.id.uuidString) AND revision = \(bind: Int64(previousRevision)) RETURNING id
            """).all()).isEmpty
    }

    public func find(_ key: MeetingKey) async throws -> Meeting? {
        guard let row = try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM meetings WHERE number = \(bind: Int64(key.number))").first() else { return nil }
        return try await whole(try Self.meeting(row))
    }

    /// Meetings kept by `query`, by start (the latest first when `newestFirst`), with agenda and decisions.
    public func list(_ query: MeetingQuery, newestFirst: Bool = false, limit: Int = 200) async throws -> [Meeting] {
        var conditions: [SQLQueryString] = []
        if let period = query.period {
            conditions.append("starts_at >= \(bind: Columns.millis(period.start)) AND starts_at < \(bind: Columns.millis(period.end))")
        }
        if let kind = query.kind { conditions.append("kind = \(bind: kind.rawValue)") }
        if let attendee = query.attendee {
            // Lists are stored as JSON arrays of plain names; a quoted name matches one element.
            var either: [SQLQueryString] = ["attendees LIKE \(bind: "%\"" + attendee + "\"%")"]
            either += query.teams.map { "teams LIKE \(bind: "%\"" + $0 + "\"%")" }
            conditions.append("(" + either.joined(separator: " OR ") + ")")
        }
        if let release = query.release {
            conditions.append("""
                id IN (SELECT a.meeting_id FROM meeting_agenda a JOIN releases r ON r.id = a.release_id WHERE r.number = \(bind: Int64(release.number)))
                """)
        }
        let whereClause: SQLQueryString = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let order: SQLQueryString = newestFirst ? " ORDER BY starts_at DESC, number DESC" : " ORDER BY starts_at, number"
        var meetings: [Meeting] = []
        for row in try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM meetings" + whereClause + order + " LIMIT \(bind: Int64(limit))").all() {
            meetings.append(try await whole(try Self.meeting(row)))
        }
        return meetings
    }

    /// The next open meeting of the series after `date`, if one is stored.
    public func next(ofSeries series: UUID, after date: Date) async throws -> Meeting? {
        guard let row = try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM meetings WHERE series_id = \(bind: series.uuidString) AND starts_at > \(bind: Columns.millis(date))
                AND status = 'open' ORDER BY starts_at LIMIT 1
            """).first() else { return nil }
        return try await whole(try Self.meeting(row))
    }

    /// The starts of the series' stored occurrences from `date` on.
    public func occurrences(ofSeries series: UUID, from date: Date) async throws -> Set<Date> {
        Set(try await db.raw("""
            SELECT starts_at FROM meetings WHERE series_id = \(bind: series.uuidString) AND starts_at >= \(bind: Columns.millis(date))
            """).all().map { Columns.date(try $0.decode(column: "starts_at", as: Int64.self)) })
    }

    /// Removes the series' occurrences after `date` that nothing was written in yet (an empty
    /// agenda, no minutes, no action, no decision): when a series stops.
    public func removeUntouched(ofSeries series: UUID, after date: Date) async throws -> Int {
        try await db.raw("""
            DELETE FROM meetings WHERE series_id = \(bind: series.uuidString) AND starts_at > \(bind: Columns.millis(date)) AND status = 'open'
                AND minutes = '' AND revision = 1
                AND id NOT IN (SELECT meeting_id FROM meeting_agenda) AND id NOT IN (SELECT meeting_id FROM meeting_decisions)
                AND id NOT IN (SELECT meeting_id FROM action_items WHERE meeting_id IS NOT NULL)
            RETURNING id
            """).all().count
    }

    // MARK: - Agenda and decisions

    public func setAgenda(_ agenda: [AgendaItem], of meeting: Meeting) async throws {
        try await db.raw("DELETE FROM meeting_agenda WHERE meeting_id = \(bind: meeting.id.uuidString)").run()
        for (position, item) in agenda.enumerated() {
            try await db.raw("""
                INSERT INTO meeting_agenda (meeting_id, release_id, position, minutes, note)
                SELECT \(bind: meeting.id.uuidString), id, \(bind: Int64(position)), \(bind: Int64(item.minutes)), \(bind: item.note)
                FROM releases WHERE number = \(bind: Int64(item.release.number))
                """).run()
        }
    }

    public func addDecision(_ decision: MeetingDecision, to meeting: Meeting) async throws {
        do {
            try await db.raw("""
                INSERT INTO meeting_decisions (meeting_id, release_id, approver, decision, comment, conditions, at)
                SELECT \(bind: meeting.id.uuidString), id, \(bind: decision.approver), \(bind: decision.decision.rawValue), \(bind: decision.comment),
                       \(bind: decision.conditions), \(bind: Columns.millis(decision.at))
                FROM releases WHERE number = \(bind: Int64(decision.release.number))
                """).run()
        } catch where Store.isUniqueViolation(error) {
            throw StoreError.duplicate("a decision of \(decision.approver) on \(decision.release) in \(meeting.key)")
        }
    }

    private func whole(_ bare: Meeting) async throws -> Meeting {
        var meeting = bare
        meeting.agenda = try await db.raw("""
            SELECT r.number, a.minutes, a.note FROM meeting_agenda a JOIN releases r ON r.id = a.release_id
            WHERE a.meeting_id = \(bind: bare.id.uuidString) ORDER BY a.position
            """).all().map { row in
            AgendaItem(release: ReleaseKey(number: try row.decode(column: "number", as: Int.self)), minutes: try row.decode(column: "minutes", as: Int.self),
                       note: try row.decode(column: "note", as: String.self))
        }
        meeting.decisions = try await db.raw("""
            SELECT r.number, d.approver, d.decision, d.comment, d.conditions, d.at FROM meeting_decisions d JOIN releases r ON r.id = d.release_id
            WHERE d.meeting_id = \(bind: bare.id.uuidString) ORDER BY d.at, d.approver
            """).all().map { row in
            guard let kind = ApprovalDecisionKind(rawValue: try row.decode(column: "decision", as: String.self)) else {
                throw StoreError.corruptRow("a meeting decision of an unknown kind")
            }
            return MeetingDecision(release: ReleaseKey(number: try row.decode(column: "number", as: Int.self)),
                                   approver: try row.decode(column: "approver", as: String.self), decision: kind,
                                   comment: try row.decode(column: "comment", as: String.self), conditions: try row.decode(column: "conditions", as: String.self),
                                   at: Columns.date(try row.decode(column: "at", as: Int64.self)))
        }
        return meeting
    }

    static func meeting(_ row: any SQLRow) throws -> Meeting {
        guard let id = UUID(uuidString: try row.decode(column: "id", as: String.self)),
              let kind = MeetingKind(rawValue: try row.decode(column: "kind", as: String.self)),
              let status = MeetingStatus(rawValue: try row.decode(column: "status", as: String.self))
        else { throw StoreError.corruptRow("a meeting with an unknown id, kind or status") }
        let fields = MeetingFields(kind: kind, title: try row.decode(column: "title", as: String.self),
                                   start: Columns.date(try row.decode(column: "starts_at", as: Int64.self)),
                                   end: Columns.date(try row.decode(column: "ends_at", as: Int64.self)), place: try row.decode(column: "place", as: String.self),
                                   attendees: try Columns.list(try row.decode(column: "attendees", as: String.self)),
                                   teams: try Columns.list(try row.decode(column: "teams", as: String.self)))
        return Meeting(id: id, key: MeetingKey(number: try row.decode(column: "number", as: Int.self)),
                       seriesID: try row.decode(column: "series_id", as: String?.self).flatMap(UUID.init(uuidString:)), fields: fields,
                       minutes: try row.decode(column: "minutes", as: String.self), noActionsReason: try row.decode(column: "no_actions", as: String?.self),
                       status: status, createdBy: try row.decode(column: "created_by", as: String.self),
                       createdAt: Columns.date(try row.decode(column: "created_at", as: Int64.self)),
                       closedAt: try row.decode(column: "closed_at", as: Int64?.self).map(Columns.date),
                       closedBy: try row.decode(column: "closed_by", as: String?.self), revision: try row.decode(column: "revision", as: Int.self))
    }
}
