import BasculeCore
import Foundation
import SQLKit

/// Stores maintenance windows; a recurrence is kept as the JSON of its input.
public struct MaintenanceWindowRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    private struct StoredRecurrence: Codable {
        var days: [String]
        var daysOfMonth: [Int]
        var hours: String
        var timeZone: String
    }

    private static let select: SQLQueryString = "SELECT id, name, environments, items, starts_at, ends_at, recurrence, revision FROM maintenance_windows"

    public func all() async throws -> [MaintenanceWindow] {
        try await db.raw(Self.select + " ORDER BY name, id").all().map(Self.window)
    }

    public func find(_ id: UUID) async throws -> MaintenanceWindow? {
        try await db.raw(Self.select + " WHERE id = \(bind: id.uuidString)").first().map(Self.window)
    }

    public func insert(_ window: MaintenanceWindow, at now: Date) async throws {
        let (start, end, recurrence) = Self.columns(window)
        try await db.raw("""
            INSERT INTO maintenance_windows (id, name, environments, items, starts_at, ends_at, recurrence, revision, updated_at)
            VALUES (\(bind: window.id.uuidString), \(bind: window.name), \(bind: Columns.json(window.environments)), \(bind: Columns.json(window.items.map(\.text))),
                    \(bind: start), \(bind: end), \(bind: recurrence), \(bind: window.revision), \(bind: Columns.millis(now)))
            """).run()
    }

    public func update(_ window: MaintenanceWindow, previousRevision: Int, at now: Date) async throws -> Bool {
        let (start, end, recurrence) = Self.columns(window)
        return !(try await db.raw("""
            UPDATE maintenance_windows SET name = \(bind: window.name), environments = \(bind: Columns.json(window.environments)),
                items = \(bind: Columns.json(window.items.map(\.text))), starts_at = \(bind: start), ends_at = \(bind: end), recurrence = \(bind: recurrence),
                revision = \(bind: window.revision), updated_at = \(bind: Columns.millis(now))
            WHERE id = \(bind: window.id.uuidString) AND revision = \(bind: previousRevision) RETURNING id
            """).all()).isEmpty
    }

    public func delete(_ window: MaintenanceWindow) async throws -> Bool {
        !(try await db.raw("DELETE FROM maintenance_windows WHERE id = \(bind: window.id.uuidString) AND revision = \(bind: window.revision) RETURNING id").all()).isEmpty
    }

    /// Windows naming `key` among their items, for the refusal to delete it.
    public func naming(_ key: CIKey) async throws -> [String] {
        try await all().filter { $0.items.contains(key) }.map(\.name)
    }

    private static func columns(_ window: MaintenanceWindow) -> (Int64?, Int64?, String?) {
        switch window.occurrence {
        case .oneOff(let interval): return (Columns.millis(interval.start), Columns.millis(interval.end), nil)
        case .recurring:
            guard let recurrence = window.input.recurrence else { return (nil, nil, nil) }
            let stored = StoredRecurrence(days: recurrence.days, daysOfMonth: recurrence.daysOfMonth, hours: recurrence.hours, timeZone: recurrence.timeZone)
            return (nil, nil, (try? JSONEncoder().encode(stored)).map { String(decoding: $0, as: UTF8.self) })
        }
    }

    static func window(_ row: any SQLRow) throws -> MaintenanceWindow {
        guard let id = UUID(uuidString: try row.decode(column: "id", as: String.self)) else { throw StoreError.corruptRow("maintenance window id") }
        var input = MaintenanceWindowInput(
            name: try row.decode(column: "name", as: String.self), environments: try Columns.list(try row.decode(column: "environments", as: String.self)),
            items: try Columns.list(try row.decode(column: "items", as: String.self)))
        if let start = try row.decode(column: "starts_at", as: Int64?.self), let end = try row.decode(column: "ends_at", as: Int64?.self) {
            input.start = Columns.date(start)
            input.end = Columns.date(end)
        } else if let text = try row.decode(column: "recurrence", as: String?.self),
                  let stored = try? JSONDecoder().decode(StoredRecurrence.self, from: Data(text.utf8)) {
            input.recurrence = .init(days: stored.days, daysOfMonth: stored.daysOfMonth, hours: stored.hours, timeZone: stored.timeZone)
        }
        do {
            var window = try input.validate(id: id)
            window.revision = try row.decode(column: "revision", as: Int.self)
            return window
        } catch {
            throw StoreError.corruptRow("maintenance window \(id): \(error)")
        }
    }
}

/// The secret tokens of calendar subscriptions: one per user, stored hashed, read-only.
public struct CalendarFeedRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    /// Replaces the user's token: the old subscription URL stops working.
    public func replace(userID: UUID, secret: String, at now: Date) async throws {
        try await db.raw("DELETE FROM calendar_feeds WHERE user_id = \(bind: userID.uuidString)").run()
        try await db.raw("""
            INSERT INTO calendar_feeds (user_id, token_hash, created_at)
            VALUES (\(bind: userID.uuidString), \(bind: TokenRepository.hash(secret)), \(bind: Columns.millis(now)))
            """).run()
    }

    public func revoke(userID: UUID) async throws {
        try await db.raw("DELETE FROM calendar_feeds WHERE user_id = \(bind: userID.uuidString)").run()
    }

    public func createdAt(userID: UUID) async throws -> Date? {
        try await db.raw("SELECT created_at FROM calendar_feeds WHERE user_id = \(bind: userID.uuidString)").first()
            .map { Columns.date(try $0.decode(column: "created_at", as: Int64.self)) }
    }

    public func owner(secret: String) async throws -> User? {
        guard let row = try await db.raw("""
            SELECT u.id, u.username, u.display_name, u.email, u.roles, u.disabled_at, u.created_at
            FROM calendar_feeds f JOIN users u ON u.id = f.user_id WHERE f.token_hash = \(bind: TokenRepository.hash(secret))
            """).first() else { return nil }
        return try UserRepository.user(row)
    }
}
