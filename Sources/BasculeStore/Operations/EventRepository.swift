import Foundation
import SQLKit

/// One stored domain event: what changed (`topic`, `subject`, `kind`) with a small payload.
/// Its id orders it among all events, in the order their transactions committed.
public struct StoredEvent: Sendable, Equatable {
    public let id: Int64
    public let at: Date
    public let topic: String
    public let subject: String
    public let kind: String
    public let payload: String

    public init(id: Int64, at: Date, topic: String, subject: String, kind: String, payload: String) {
        self.id = id
        self.at = at
        self.topic = topic
        self.subject = subject
        self.kind = kind
        self.payload = payload
    }
}

/// An event to append.
public struct NewEvent: Sendable {
    public let topic: String
    public let subject: String
    public let kind: String
    public let payload: String
    public let at: Date

    public init(topic: String, subject: String, kind: String, payload: String, at: Date) {
        self.topic = topic
        self.subject = subject
        self.kind = kind
        self.payload = payload
        self.at = at
    }
}

/// Appends and reads the events table. Appending happens inside the transaction of the change,
/// so an event exists exactly when its change does.
public struct EventRepository: Sendable {
    /// The PostgreSQL channel whose notifications carry a new event's id, and nothing else.
    public static let channel = "bascule_events"

    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    /// Appends an event. On PostgreSQL it first takes the audit head's lock, which every
    /// writing transaction takes anyway: ids are then drawn in commit order, so a reader that
    /// has seen id N never later finds a smaller one committed behind it. The doorbell rings
    /// at commit, with the id only (NOTIFY's payload is small and its commit lock global).
    @discardableResult
    public func append(topic: String, subject: String, kind: String, payload: String, at: Date) async throws -> Int64 {
        try await append([NewEvent(topic: topic, subject: subject, kind: kind, payload: payload, at: at)])[0]
    }

    /// Appends several events with one statement, in order; their ids, ascending. The doorbell
    /// rings once, with the newest id: a replica reads everything after what it last read.
    @discardableResult
    public func append(_ events: [NewEvent]) async throws -> [Int64] {
        guard !events.isEmpty else { return [] }
        let postgres = db.dialect.name == "postgresql"
        if postgres { _ = try await db.raw("SELECT sequence FROM audit_head WHERE id = 1 FOR UPDATE").first() }
        let rows = events.map { event -> SQLQueryString in
            "(\(bind: Columns.millis(event.at)), \(bind: event.topic), \(bind: event.subject), \(bind: event.kind), \(bind: event.payload))"
        }
        let ids = try await db.raw("INSERT INTO events (at, topic, subject, kind, payload) VALUES " + rows.joined(separator: ", ") + " RETURNING id")
            .all().map { try $0.decode(column: "id", as: Int64.self) }.sorted()
        guard ids.count == events.count, let newest = ids.last else { throw StoreError.corruptRow("events were stored without their ids") }
        if postgres { try await db.raw("SELECT pg_notify(\(bind: Self.channel), \(bind: String(newest)))").run() }
        return ids
    }

    /// The events after `id`, oldest first, at most `limit`.
    public func after(_ id: Int64, limit: Int = 500) async throws -> [StoredEvent] {
        try await db.raw("""
            SELECT id, at, topic, subject, kind, payload FROM events WHERE id > \(bind: id) ORDER BY id LIMIT \(bind: limit)
            """).all().map(Self.event)
    }

    /// The events of one subject after `id`, oldest first: what a watcher that reconnects missed.
    public func after(_ id: Int64, topic: String, subject: String, limit: Int = 500) async throws -> [StoredEvent] {
        try await db.raw("""
            SELECT id, at, topic, subject, kind, payload FROM events
            WHERE topic = \(bind: topic) AND subject = \(bind: subject) AND id > \(bind: id) ORDER BY id LIMIT \(bind: limit)
            """).all().map(Self.event)
    }

    /// The newest event's id (0 when there is none): where a replica starts reading.
    public func latestID() async throws -> Int64 {
        try await db.raw("SELECT MAX(id) AS id FROM events").first()?.decode(column: "id", as: Int64?.self) ?? 0
    }

    /// Removes events older than `date`, and returns how many.
    @discardableResult
    public func purge(before date: Date) async throws -> Int {
        let count = try await db.raw("SELECT COUNT(*) AS n FROM events WHERE at < \(bind: Columns.millis(date))").first()?.decode(column: "n", as: Int.self) ?? 0
        if count > 0 { try await db.raw("DELETE FROM events WHERE at < \(bind: Columns.millis(date))").run() }
        return count
    }

    private static func event(_ row: any SQLRow) throws -> StoredEvent {
        StoredEvent(
            id: try row.decode(column: "id", as: Int64.self), at: Columns.date(try row.decode(column: "at", as: Int64.self)),
            topic: try row.decode(column: "topic", as: String.self), subject: try row.decode(column: "subject", as: String.self),
            kind: try row.decode(column: "kind", as: String.self), payload: try row.decode(column: "payload", as: String.self))
    }
}
