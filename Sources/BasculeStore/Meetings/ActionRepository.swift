import BasculeCore
import Foundation
import SQLKit

/// Which action items a list shows.
public struct ActionQuery: Sendable, Equatable {
    public var owner: String?
    public var status: ActionStatus?
    /// Open and past due at this instant.
    public var overdueAt: Date?
    public var meeting: MeetingKey?
    /// Handed out on the release or in its review.
    public var release: ReleaseKey?

    public init(owner: String? = nil, status: ActionStatus? = nil, overdueAt: Date? = nil, meeting: MeetingKey? = nil, release: ReleaseKey? = nil) {
        self.owner = owner
        self.status = status
        self.overdueAt = overdueAt
        self.meeting = meeting
        self.release = release
    }
}

/// Action items.
public struct ActionRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    private static let select = """
        SELECT a.id, a.number, a.title, a.owner, a.due_at, a.status, m.number AS meeting_number, r.number AS release_number,
               v.number AS review_number, a.created_by, a.created_at, a.closed_at, a.revision
        FROM action_items a LEFT JOIN meetings m ON m.id = a.meeting_id LEFT JOIN releases r ON r.id = a.release_id
            LEFT JOIN releases v ON v.id = a.review_release_id
        """

    public func nextKey() async throws -> ActionKey {
        try await db.raw("UPDATE sequences SET value = value + 1 WHERE name = 'action'").run()
        guard let number = try await db.raw("SELECT value FROM sequences WHERE name = 'action'").first()?.decode(column: "value", as: Int.self) else {
            throw StoreError.corruptRow("the action sequence is missing")
        }
        return ActionKey(number: number)
    }

    public func insert(_ action: ActionItem) async throws {
        func release(_ key: ReleaseKey?) -> SQLQueryString {
            guard let key else { return "NULL" }
            return "(SELECT id FROM releases WHERE number = \(bind: Int64(key.number)))"
        }
        let meeting: SQLQueryString = action.meeting.map { "(SELECT id FROM meetings WHERE number = \(bind: Int64($0.number)))" } ?? "NULL"
        try await db.raw("""
            INSERT INTO action_items (id, number, title, owner, due_at, status, meeting_id, release_id, review_release_id, created_by, created_at,
                closed_at, revision)
            VALUES (\(bind: action.id.uuidString), \(bind: Int64(action.key.number)), \(bind: action.title), \(bind: action.owner),
                    \(bind: Columns.millis(action.dueAt)), \(bind: action.status.rawValue), 
            """ + meeting + ", " + release(action.release) + ", " + release(action.review) + """
            , \(bind: action.createdBy), \(bind: Columns.millis(action.createdAt)), \(bind: action.closedAt.map(Columns.millis)), \(bind: Int64(action.revision)))
            """).run()
    }

    public func update(_ action: ActionItem, previousRevision: Int) async throws -> Bool {
        !(try await db.raw("""
            UPDATE action_items SET title = \(bind: action.title), owner = \(bind: action.owner), due_at = \(bind: Columns.millis(action.dueAt)),
                status = \(bind: action.status.rawValue), closed_at = \(bind: action.closedAt.map(Columns.millis)), revision = \(bind: Int64(action.revision))
            WHERE id = \(bind: action.id.uuidString) AND revision = \(bind: Int64(previousRevision)) RETURNING id
            """).all()).isEmpty
    }

    public func find(_ key: ActionKey) async throws -> ActionItem? {
        try await db.raw(SQLQueryString(Self.select) + " WHERE a.number = \(bind: Int64(key.number))").first().map(Self.action)
    }

    /// Actions kept by `query`: open ones first by due date, then the closed ones, latest first.
    public func list(_ query: ActionQuery, limit: Int = 500) async throws -> [ActionItem] {
        var conditions: [SQLQueryString] = []
        if let owner = query.owner { conditions.append("a.owner = \(bind: owner)") }
        if let status = query.status { conditions.append("a.status = \(bind: status.rawValue)") }
        if let at = query.overdueAt { conditions.append("a.status = 'open' AND a.due_at < \(bind: Columns.millis(at))") }
        if let meeting = query.meeting { conditions.append("m.number = \(bind: Int64(meeting.number))") }
        if let release = query.release {
            conditions.append("(r.number = \(bind: Int64(release.number)) OR v.number = \(bind: Int64(release.number)))")
        }
        let whereClause: SQLQueryString = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return try await db.raw(SQLQueryString(Self.select) + whereClause
                                + " ORDER BY a.status <> 'open', CASE WHEN a.status = 'open' THEN a.due_at ELSE -a.due_at END, a.number LIMIT \(bind: Int64(limit))")
            .all().map(Self.action)
    }

    /// The open actions past due that the reviews of these releases (by number) handed out.
    public func overdue(ofReviews numbers: [Int], at now: Date) async throws -> [ActionItem] {
        guard !numbers.isEmpty else { return [] }
        let list = SQLQueryString(numbers.map(String.init).joined(separator: ", "))
        return try await db.raw(SQLQueryString(Self.select) + " WHERE a.status = 'open' AND a.due_at < \(bind: Columns.millis(now)) AND v.number IN ("
                                + list + ") ORDER BY a.due_at").all().map(Self.action)
    }

    /// How many actions each meeting handed out (cancelled ones do not count).
    public func count(ofMeeting meeting: Meeting) async throws -> Int {
        try await db.raw("SELECT COUNT(*) AS n FROM action_items WHERE meeting_id = \(bind: meeting.id.uuidString) AND status <> 'cancelled'")
            .first()?.decode(column: "n", as: Int.self) ?? 0
    }

    static func action(_ row: any SQLRow) throws -> ActionItem {
        guard let id = UUID(uuidString: try row.decode(column: "id", as: String.self)),
              let status = ActionStatus(rawValue: try row.decode(column: "status", as: String.self))
        else { throw StoreError.corruptRow("an action item with an unknown id or status") }
        return ActionItem(id: id, key: ActionKey(number: try row.decode(column: "number", as: Int.self)), title: try row.decode(column: "title", as: String.self),
                          owner: try row.decode(column: "owner", as: String.self), dueAt: Columns.date(try row.decode(column: "due_at", as: Int64.self)),
                          status: status, meeting: try row.decode(column: "meeting_number", as: Int?.self).map(MeetingKey.init(number:)),
                          release: try row.decode(column: "release_number", as: Int?.self).map(ReleaseKey.init(number:)),
                          review: try row.decode(column: "review_number", as: Int?.self).map(ReleaseKey.init(number:)),
                          createdBy: try row.decode(column: "created_by", as: String.self),
                          createdAt: Columns.date(try row.decode(column: "created_at", as: Int64.self)),
                          closedAt: try row.decode(column: "closed_at", as: Int64?.self).map(Columns.date), revision: try row.decode(column: "revision", as: Int.self))
    }
}
