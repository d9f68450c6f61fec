import BasculeCore
import Foundation
import SQLKit

/// Dependencies between releases.
public struct DependencyRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    private static let select = """
        SELECT a.number AS release_number, b.number AS on_number, d.kind
        FROM release_dependencies d JOIN releases a ON a.id = d.release_id JOIN releases b ON b.id = d.on_release_id
        """

    /// Fails with `StoreError.duplicate` when the release already depends on that one.
    public func insert(_ dependency: ReleaseDependency, by person: String, at now: Date) async throws {
        do {
            try await insertRow(dependency, by: person, at: now)
        } catch where Store.isUniqueViolation(error) {
            throw StoreError.duplicate("\(dependency.release) already depends on \(dependency.on)")
        }
    }

    private func insertRow(_ dependency: ReleaseDependency, by person: String, at now: Date) async throws {
        try await db.raw("""
            INSERT INTO release_dependencies (release_id, on_release_id, kind, created_by, created_at)
            VALUES ((SELECT id FROM releases WHERE number = \(bind: Int64(dependency.release.number))),
                    (SELECT id FROM releases WHERE number = \(bind: Int64(dependency.on.number))),
                    \(bind: dependency.kind.rawValue), \(bind: person), \(bind: Columns.millis(now)))
            """).run()
    }

    /// The dependency removed, if there was one.
    public func delete(_ release: ReleaseKey, on other: ReleaseKey) async throws -> ReleaseDependency? {
        try await db.raw("""
            DELETE FROM release_dependencies
            WHERE release_id = (SELECT id FROM releases WHERE number = \(bind: Int64(release.number)))
              AND on_release_id = (SELECT id FROM releases WHERE number = \(bind: Int64(other.number)))
            RETURNING kind
            """).first().map { row in
                ReleaseDependency(release: release, on: other, kind: DependencyKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .requires)
            }
    }

    /// What `release` depends on and what depends on it.
    public func touching(_ release: ReleaseKey) async throws -> [ReleaseDependency] {
        try await db.raw(SQLQueryString(Self.select) + """
             WHERE a.number = \(bind: Int64(release.number)) OR b.number = \(bind: Int64(release.number)) ORDER BY a.number, b.number
            """).all().map(Self.dependency)
    }

    /// Every dependency: the graph a new one is checked against for cycles.
    public func all() async throws -> [ReleaseDependency] {
        try await db.raw(SQLQueryString(Self.select) + " ORDER BY a.number, b.number").all().map(Self.dependency)
    }

    static func dependency(_ row: any SQLRow) throws -> ReleaseDependency {
        ReleaseDependency(release: ReleaseKey(number: try row.decode(column: "release_number", as: Int.self)),
                          on: ReleaseKey(number: try row.decode(column: "on_number", as: Int.self)),
                          kind: DependencyKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .requires)
    }
}
