import BasculeCore
import Foundation
import SQLKit

/// Weekly meeting series.
public struct MeetingSeriesRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    public func insert(_ series: MeetingSeries) async throws {
        try await db.raw("""
            INSERT INTO meeting_series (id, name, kind, weekday, minute_of_day, duration_minutes, place, attendees, teams, starts_at, created_by,
                created_at, ended_at)
            VALUES (\(bind: series.id.uuidString), \(bind: series.name), \(bind: series.kind.rawValue), \(bind: series.weekday.rawValue),
                    \(bind: Int64(series.minuteOfDay)), \(bind: Int64(series.durationMinutes)), \(bind: series.place), \(bind: Columns.json(series.attendees)),
                    \(bind: Columns.json(series.teams)), \(bind: Columns.millis(series.startsAt)), \(bind: series.createdBy),
                    \(bind: Columns.millis(series.createdAt)), \(bind: series.endedAt.map(Columns.millis)))
            """).run()
    }

    /// Every series, the running ones first, then by name.
    public func all() async throws -> [MeetingSeries] {
        try await db.raw("SELECT * FROM meeting_series ORDER BY ended_at IS NOT NULL, name").all().map(Self.series)
    }

    public func find(_ id: UUID) async throws -> MeetingSeries? {
        try await db.raw("SELECT * FROM meeting_series WHERE id = \(bind: id.uuidString)").first().map(Self.series)
    }

    public func end(_ id: UUID, at date: Date) async throws -> Bool {
        !(try await db.raw("UPDATE meeting_series SET ended_at = \(bind: Columns.millis(date)) WHERE id = \(bind: id.uuidString) AND ended_at IS NULL RETURNING id")
            .all()).isEmpty
    }

    static func series(_ row: any SQLRow) throws -> MeetingSeries {
        guard let id = UUID(uuidString: try row.decode(column: "id", as: String.self)),
              let kind = MeetingKind(rawValue: try row.decode(column: "kind", as: String.self)),
              let weekday = Weekday(rawValue: try row.decode(column: "weekday", as: String.self))
        else { throw StoreError.corruptRow("a meeting series with an unknown id, kind or weekday") }
        return MeetingSeries(id: id, name: try row.decode(column: "name", as: String.self), kind: kind, weekday: weekday,
                             minuteOfDay: try row.decode(column: "minute_of_day", as: Int.self),
                             durationMinutes: try row.decode(column: "duration_minutes", as: Int.self), place: try row.decode(column: "place", as: String.self),
                             attendees: try Columns.list(try row.decode(column: "attendees", as: String.self)),
                             teams: try Columns.list(try row.decode(column: "teams", as: String.self)),
                             startsAt: Columns.date(try row.decode(column: "starts_at", as: Int64.self)),
                             createdBy: try row.decode(column: "created_by", as: String.self),
                             createdAt: Columns.date(try row.decode(column: "created_at", as: Int64.self)),
                             endedAt: try row.decode(column: "ended_at", as: Int64?.self).map(Columns.date))
    }
}
