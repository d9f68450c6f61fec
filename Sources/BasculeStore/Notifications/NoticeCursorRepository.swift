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
