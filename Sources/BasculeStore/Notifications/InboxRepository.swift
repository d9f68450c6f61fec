import BasculeCore
import Foundation
import SQLKit

/// One line of a person's inbox: a notice handed to them, read or not.
public struct InboxLine: Sendable, Equatable {
    public let id: Int64
    public let eventID: Int64
    public let notice: Notice
    public let readAt: Date?

    public init(id: Int64, eventID: Int64, notice: Notice, readAt: Date?) {
        self.id = id
        self.eventID = eventID
        self.notice = notice
        self.readAt = readAt
    }
}

/// The in-app inbox of each person.
public struct InboxRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    /// Hands a notice to people; one line per person and event, whatever is tried twice.
    public func insert(eventID: Int64, notice: Notice, stored: String, for usernames: [String]) async throws {
        guard !usernames.isEmpty else { return }
        let rows = usernames.map { username -> SQLQueryString in
            "(\(bind: username), \(bind: eventID), \(bind: notice.kind.rawValue), \(bind: stored), \(bind: Columns.millis(notice.at)))"
        }
        try await db.raw("INSERT INTO inbox (username, event_id, kind, notice, at) VALUES " + rows.joined(separator: ", ") + " ON CONFLICT DO NOTHING").run()
    }

    /// Newest first; `before` is the id the previous page ended at.
    public func page(of username: String, unreadOnly: Bool, limit: Int, before: Int64?) async throws -> (items: [InboxLine], next: Int64?) {
        var sql: SQLQueryString = "SELECT id, event_id, notice, read_at FROM inbox WHERE username = \(bind: username)"
        if unreadOnly { sql = sql + " AND read_at IS NULL" }
        if let before { sql = sql + " AND id < \(bind: before)" }
        sql = sql + " ORDER BY id DESC LIMIT \(bind: limit + 1)"
        let lines = try await db.raw(sql).all().map { row in
            InboxLine(id: try row.decode(column: "id", as: Int64.self), eventID: try row.decode(column: "event_id", as: Int64.self),
                      notice: try Notice.stored(try row.decode(column: "notice", as: String.self)),
                      readAt: try row.decode(column: "read_at", as: Int64?.self).map(Columns.date))
        }
        guard lines.count > limit else { return (lines, nil) }
        let page = Array(lines.prefix(limit))
        return (page, page.last?.id)
    }

    public func unread(of username: String) async throws -> Int {
        try await db.raw("SELECT COUNT(*) AS n FROM inbox WHERE username = \(bind: username) AND read_at IS NULL").first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// Marks lines read (all of `username`'s when `ids` is nil); how many changed.
    @discardableResult
    public func markRead(of username: String, ids: [Int64]?, at: Date) async throws -> Int {
        var sql: SQLQueryString = "UPDATE inbox SET read_at = \(bind: Columns.millis(at)) WHERE username = \(bind: username) AND read_at IS NULL"
        if let ids {
            guard !ids.isEmpty else { return 0 }
            sql = sql + " AND id IN (" + SQLQueryString(ids.map(String.init).joined(separator: ", ")) + ")"
        }
        return try await db.raw(sql + " RETURNING id").all().count
    }

    /// Removes lines older than `date` that were read: an inbox keeps what is unread.
    @discardableResult
    public func purge(readBefore date: Date) async throws -> Int {
        try await db.raw("DELETE FROM inbox WHERE read_at IS NOT NULL AND at < \(bind: Columns.millis(date)) RETURNING id").all().count
    }
}
