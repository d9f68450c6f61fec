import BasculeCore
import BasculeStore
import Foundation
import SQLKit

/// Writes notices into the events table, in the transaction of the change they tell of: a
/// notice exists exactly when its change does, and handing it out comes after (`NoticeFanout`).
enum Notices {
    static let topic = "notice"

    static func record(_ notice: Notice, in db: any SQLDatabase) async throws {
        try await EventRepository(db).append([try event(notice)])
    }

    static func event(_ notice: Notice) throws -> NewEvent {
        NewEvent(topic: topic, subject: notice.release?.key ?? notice.addressee ?? "-", kind: notice.kind.rawValue, payload: try notice.stored(), at: notice.at)
    }

    /// The release as a notice carries it, with the configuration items its changes touch.
    static func release(_ release: Release, in db: any SQLDatabase) async throws -> NoticeRelease {
        let items = Set(try await ChangeRepository(db).all(of: release).flatMap(\.fields.items))
        return NoticeRelease(release, items: Array(items))
    }

    /// A notice about `release` by whoever is asking.
    static func about(_ release: Release, _ kind: NoticeKind, facts: [String: String] = [:], at: Date, in db: any SQLDatabase) async throws -> Notice {
        Notice(kind: kind, at: at, actor: RequestOrigin.current.actor, release: try await self.release(release, in: db), facts: facts)
    }

    /// A time as notices carry it (RFC 3339, UTC): each reader sees it in their own zone.
    static func time(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
    }

    /// The facts of a window that moved.
    static func moved(from old: PlannedWindow?, to new: PlannedWindow?) -> [String: String] {
        var facts: [String: String] = [:]
        if let old { facts["fromStart"] = time(old.start); facts["fromEnd"] = time(old.end) }
        if let new { facts["toStart"] = time(new.start); facts["toEnd"] = time(new.end) }
        return facts
    }
}
