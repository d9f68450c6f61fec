import Foundation
import SQLKit

/// How far notices were handed out: one row, moved in the transaction that writes what
/// handing out made. Reading it locks it, so that two replicas never hand out the same notice.
public struct NoticeCursorRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    /// The last event handed out, locked until the transaction ends (on PostgreSQL; SQLite's
    /// writer lock does the same).
    public func lock() async throws -> Int64 {
        let lock = db.dialect.name == "postgresql" ? " FOR UPDATE" : ""
        return try await db.raw(SQLQueryString("SELECT event_id FROM notice_cursor WHERE id = 1" + lock)).first()?.decode(column: "event_id", as: Int64.self) ?? 0
    }

    public func move(to eventID: Int64) async throws {
        try await db.raw("UPDATE notice_cursor SET event_id = \(bind: eventID) WHERE id = 1").run()
    }

    /// The last event handed out, without a lock: how far behind handing out is.
    public func position() async throws -> Int64 {
        try await db.raw("SELECT event_id FROM notice_cursor WHERE id = 1").first()?.decode(column: "event_id", as: Int64.self) ?? 0
    }
}

/// What the calendar watch has already told, so that a conflict or a freeze is told once while
/// it lasts, and again if it comes back after it went.
public struct NoticeMemoryRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    public func all(prefix: String) async throws -> Set<String> {
        Set(try await db.raw("SELECT key FROM notice_memory WHERE key LIKE \(bind: prefix + "%")").all().map { try $0.decode(column: "key", as: String.self) })
    }

    public func remember(_ keys: [String], at: Date) async throws {
        guard !keys.isEmpty else { return }
        let rows = keys.map { key -> SQLQueryString in "(\(bind: key), \(bind: Columns.millis(at)))" }
        try await db.raw("INSERT INTO notice_memory (key, at) VALUES " + rows.joined(separator: ", ") + " ON CONFLICT DO NOTHING").run()
    }

    public func forget(_ keys: [String]) async throws {
        for key in keys { try await db.raw("DELETE FROM notice_memory WHERE key = \(bind: key)").run() }
    }
}
