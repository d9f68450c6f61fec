import BasculeCore
import Foundation
import SQLKit

/// Stores environments. Lists come in promotion order.
public struct EnvironmentRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    public func all() async throws -> [Environment] {
        try await db.raw("SELECT id, name, kind, position, mirrors, refreshed_at FROM environments ORDER BY position, name").all().map(Self.environment)
    }

    public func page(limit: Int, after cursor: PageCursor?) async throws -> (items: [Environment], next: PageCursor?) {
        let rows: [any SQLRow]
        if let cursor {
            guard case .position(let position, let name) = cursor else { throw StoreError.invalidCursor }
            rows = try await db.raw("""
                SELECT id, name, kind, position, mirrors, refreshed_at FROM environments
                WHERE position > \(bind: position) OR (position = \(bind: position) AND name > \(bind: name))
                ORDER BY position, name LIMIT \(bind: limit + 1)
                """).all()
        } else {
            rows = try await db.raw("SELECT id, name, kind, position, mirrors, refreshed_at FROM environments ORDER BY position, name LIMIT \(bind: limit + 1)").all()
        }
        let environments = try rows.map(Self.environment)
        guard environments.count > limit else { return (environments, nil) }
        let page = Array(environments.prefix(limit))
        return (page, page.last.map { .position($0.order, $0.name) })
    }

    public func named(_ name: String) async throws -> Environment? {
        try await db.raw("SELECT id, name, kind, position, mirrors, refreshed_at FROM environments WHERE name = \(bind: name)").first().map(Self.environment)
    }

    public func nextPosition() async throws -> Int {
        let row = try await db.raw("SELECT MAX(position) AS position FROM environments").first()
        return (try row?.decode(column: "position", as: Int?.self)).flatMap { $0 }.map { $0 + 10 } ?? 10
    }

    public func insert(_ environment: Environment, at now: Date) async throws {
        do {
            try await db.raw("""
                INSERT INTO environments (id, name, kind, position, created_at)
                VALUES (\(bind: environment.id.uuidString), \(bind: environment.name), \(bind: environment.kind.rawValue),
                        \(bind: environment.order), \(bind: Columns.millis(now)))
                """).run()
        } catch where Store.isUniqueViolation(error) {
            throw StoreError.duplicate("an environment named \(environment.name)")
        }
    }

    /// Which environment this one mirrors (nil: none).
    public func setMirror(of name: String, to mirrors: String?) async throws {
        try await db.raw("UPDATE environments SET mirrors = \(bind: mirrors) WHERE name = \(bind: name)").run()
    }

    public func refreshed(_ name: String, at instant: Date) async throws {
        try await db.raw("UPDATE environments SET refreshed_at = \(bind: Columns.millis(instant)) WHERE name = \(bind: name)").run()
    }

    static func environment(_ row: any SQLRow) throws -> Environment {
        let kindText = try row.decode(column: "kind", as: String.self)
        guard let kind = EnvironmentKind(rawValue: kindText), let id = UUID(uuidString: try row.decode(column: "id", as: String.self)) else {
            throw StoreError.corruptRow("environment with kind \(kindText)")
        }
        return Environment(
            id: id, name: try row.decode(column: "name", as: String.self), kind: kind,
            order: try row.decode(column: "position", as: Int.self), mirrors: try row.decode(column: "mirrors", as: String?.self),
            refreshedAt: try row.decode(column: "refreshed_at", as: Int64?.self).map(Columns.date))
    }
}
