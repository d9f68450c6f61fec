import BasculeCore
import BasculeStore
import Foundation
import SQLKit

/// Teams: who owns applications and cutovers together.
public struct TeamService: Sendable {
    let store: Store
    let now: @Sendable () -> Date
    let gate: Gatekeeper

    public init(store: Store, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.now = now
        self.gate = Gatekeeper(store: store, now: now)
    }

    public func teams() async throws -> [Team] {
        try await gate.require(.teamRead)
        return try await store.withConnection { try await TeamRepository($0).all() }
    }

    public func create(name rawName: String, members: [String]) async throws -> Team {
        try await gate.require(.teamManage, on: "team:\(rawName)")
        return try await refusing {
            let name = try Team.validate(name: rawName)
            return try await store.transaction { db in
                let teams = TeamRepository(db)
                if try await teams.named(name) != nil { throw ServiceError.conflict("a team named \(name) already exists") }
                let users = try await Self.users(members, in: db)
                let team = Team(name: name, members: users.map(\.username).sorted())
                try await teams.insert(team, at: now())
                try await teams.setMembers(of: team, to: users.map(\.id))
                try await AuditLog.record(.teamCreate, target: "team:\(name)", summary: "created \(name) with \(Self.list(team.members))", at: now(), in: db)
                return team
            }
        }
    }

    /// Replaces the members of a team.
    public func setMembers(of name: String, to members: [String], precondition: RevisionPrecondition? = nil) async throws -> (team: Team, revision: Int) {
        try await gate.require(.teamManage, on: "team:\(name)")
        return try await refusing {
            try await store.transaction { db in
                let teams = TeamRepository(db)
                guard let current = try await teams.named(name) else { throw ServiceError.notFound("team \(name)") }
                let revision = try await RevisionPrecondition.advance(.teams, id: current.id, precondition, in: db)
                let users = try await Self.users(members, in: db)
                var next = current
                next.members = users.map(\.username).sorted()
                try await teams.setMembers(of: current, to: users.map(\.id))
                try await AuditLog.record(.teamUpdate, target: "team:\(name)", summary: "members: \(Self.list(current.members)) → \(Self.list(next.members))", at: now(), in: db)
                return (next, revision)
            }
        }
    }

    /// The users named, refusing the whole list if any is unknown.
    private static func users(_ usernames: [String], in db: any SQLDatabase) async throws -> [User] {
        var found: [User] = []
        var unknown: [String] = []
        for username in Set(usernames.map { $0.lowercased() }) {
            if let user = try await UserRepository(db).named(username) { found.append(user) } else { unknown.append(username) }
        }
        guard unknown.isEmpty else {
            throw ServiceError.invalid([FieldError("members", "no user is named " + unknown.sorted().joined(separator: ", "))])
        }
        return found
    }

    private static func list(_ members: [String]) -> String {
        members.isEmpty ? "no member" : members.joined(separator: ", ")
    }
}
