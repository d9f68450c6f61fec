import BasculeCore
import Foundation
import SQLKit

/// The people, teams and outside addresses each release concerns.
public struct StakeholderRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    /// Adds the party; false when the release already had it.
    public func add(_ stakeholder: Stakeholder, to release: Release) async throws -> Bool {
        let language: String
        if case .address(_, let chosen) = stakeholder.party { language = chosen } else { language = "" }
        let rows = try await db.raw("""
            INSERT INTO stakeholders (release_id, kind, name, language, added_by, added_at)
            VALUES (\(bind: release.id.uuidString), \(bind: stakeholder.party.kind), \(bind: stakeholder.party.name), \(bind: language),
                    \(bind: stakeholder.addedBy), \(bind: Columns.millis(stakeholder.addedAt)))
            ON CONFLICT DO NOTHING RETURNING name
            """).all()
        return !rows.isEmpty
    }

    public func remove(kind: String, name: String, from release: Release) async throws -> Bool {
        !(try await db.raw("""
            DELETE FROM stakeholders WHERE release_id = \(bind: release.id.uuidString) AND kind = \(bind: kind) AND name = \(bind: name) RETURNING name
            """).all()).isEmpty
    }

    public func of(_ release: Release) async throws -> [Stakeholder] {
        try await db.raw("""
            SELECT \(bind: release.key.description) AS release_key, kind, name, language, added_by, added_at FROM stakeholders
            WHERE release_id = \(bind: release.id.uuidString) ORDER BY kind, name
            """).all().map(Self.stakeholder)
    }

    /// The stakeholders of the releases numbered `numbers`: what handing out a batch needs.
    public func of(numbers: Set<Int>) async throws -> [Stakeholder] {
        guard !numbers.isEmpty else { return [] }
        let list = SQLQueryString(numbers.sorted().map(String.init).joined(separator: ", "))
        return try await db.raw("""
            SELECT r.number, s.kind, s.name, s.language, s.added_by, s.added_at FROM stakeholders s JOIN releases r ON r.id = s.release_id
            WHERE r.number IN (\(list))
            """).all().map { row in
            try Self.stakeholder(row, release: ReleaseKey(number: try row.decode(column: "number", as: Int.self)).description)
        }
    }

    public func removeAll(of release: Release) async throws {
        try await db.raw("DELETE FROM stakeholders WHERE release_id = \(bind: release.id.uuidString)").run()
    }

    private static func stakeholder(_ row: any SQLRow) throws -> Stakeholder {
        try stakeholder(row, release: try row.decode(column: "release_key", as: String.self))
    }

    private static func stakeholder(_ row: any SQLRow, release: String) throws -> Stakeholder {
        let kind = try row.decode(column: "kind", as: String.self), name = try row.decode(column: "name", as: String.self)
        let language = try row.decode(column: "language", as: String.self)
        return Stakeholder(release: release, party: try StakeholderParty.parse(kind: kind, name: name, language: language.isEmpty ? "en" : language),
                           addedBy: try row.decode(column: "added_by", as: String.self),
                           addedAt: Columns.date(try row.decode(column: "added_at", as: Int64.self)))
    }
}
