import BasculeCore
import Foundation
import SQLKit

/// Stores teams and who belongs to them.
public struct TeamRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    /// Every team with its members' usernames, by name.
    public func all() async throws -> [Team] {
        let teams = try await db.raw("SELECT id, name FROM teams ORDER BY name").all()
        let members = try await db.raw("""
            SELECT m.team_id, u.username FROM team_members m JOIN users u ON u.id = m.user_id ORDER BY u.username
            """).all()
        var byTeam: [String: [String]] = [:]
        for row in members {
            byTeam[try row.decode(column: "team_id", as: String.self), default: []].append(try row.decode(column: "username", as: String.self))
        }
        return try teams.map { row in
            let id = try row.decode(column: "id", as: String.self)
            guard let uuid = UUID(uuidString: id) else { throw StoreError.corruptRow("team id") }
            return Team(id: uuid, name: try row.decode(column: "name", as: String.self), members: byTeam[id] ?? [])
        }
    }

    public func named(_ name: String) async throws -> Team? {
        try await all().first { $0.name == name }
    }

    public func insert(_ team: Team, at: Date) async throws {
        do {
            try await db.raw("INSERT INTO teams (id, name, created_at) VALUES (\(bind: team.id.uuidString), \(bind: team.name), \(bind: Columns.millis(at)))").run()
        } catch where Store.isUniqueViolation(error) {
            throw StoreError.duplicate("a team named \(team.name)")
        }
    }

    /// Replaces the members with these users.
    public func setMembers(of team: Team, to userIDs: [UUID]) async throws {
        try await db.raw("DELETE FROM team_members WHERE team_id = \(bind: team.id.uuidString)").run()
        for userID in Set(userIDs) {
            try await db.raw("INSERT INTO team_members (team_id, user_id) VALUES (\(bind: team.id.uuidString), \(bind: userID.uuidString))").run()
        }
    }
}
