import BasculeCore
import Foundation
import SQLKit

/// Registration tokens and agents. Secrets are kept as their SHA-256 only.
public struct AgentRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    public func insertRegistration(id: UUID, secret: String, by actor: String, at: Date, expiresAt: Date) async throws {
        try await db.raw("""
            INSERT INTO agent_registrations (id, secret_hash, created_by, created_at, expires_at)
            VALUES (\(bind: id.uuidString), \(bind: Digest.sha256(secret)), \(bind: actor), \(bind: Columns.millis(at)), \(bind: Columns.millis(expiresAt)))
            """).run()
    }

    /// Marks the registration token used by `agent`; false when it is unknown, used or expired.
    /// One statement, so that two agents presenting the same token cannot both win.
    public func useRegistration(secret: String, by agent: String, at: Date) async throws -> Bool {
        try await db.raw("""
            UPDATE agent_registrations SET used_at = \(bind: Columns.millis(at)), used_by = \(bind: agent)
            WHERE secret_hash = \(bind: Digest.sha256(secret)) AND used_at IS NULL AND expires_at > \(bind: Columns.millis(at))
            RETURNING id
            """).first() != nil
    }

    private static let columns = """
        a.id, a.name, a.labels, a.version, a.host, a.registered_at, a.last_seen_at, a.disabled_at, a.revoked_at,
        (SELECT LOWER(s.run_id) || '/' || s.step || '#' || CAST(s.number AS TEXT) FROM step_attempts s
         WHERE s.agent_id = a.id AND s.state = 'running' LIMIT 1) AS current_attempt
        """

    public func insert(_ agent: Agent, credential: String) async throws {
        try await db.raw("""
            INSERT INTO agents (id, name, labels, version, host, credential_hash, registered_at, last_seen_at)
            VALUES (\(bind: agent.id.uuidString), \(bind: agent.name), \(bind: Self.labels(agent.labels)), \(bind: agent.version),
                    \(bind: agent.host), \(bind: Digest.sha256(credential)), \(bind: Columns.millis(agent.registeredAt)),
                    \(bind: agent.lastSeenAt.map(Columns.millis)))
            """).run()
    }

    /// A revoked agent's name is free again: its row is renamed out of the way, kept for the audit trail.
    public func releaseName(of agent: Agent) async throws {
        try await db.raw("UPDATE agents SET name = \(bind: "\(agent.name)~\(agent.id.uuidString.prefix(8).lowercased())") WHERE id = \(bind: agent.id.uuidString)").run()
    }

    public func find(credential: String) async throws -> Agent? {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM agents a WHERE a.credential_hash = \(bind: Digest.sha256(credential))").first().map(Self.agent)
    }

    public func find(name: String) async throws -> Agent? {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM agents a WHERE a.name = \(bind: name)").first().map(Self.agent)
    }

    public func find(id: UUID) async throws -> Agent? {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM agents a WHERE a.id = \(bind: id.uuidString)").first().map(Self.agent)
    }

    public func all() async throws -> [Agent] {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM agents a ORDER BY a.revoked_at IS NOT NULL, a.name").all().map(Self.agent)
    }

    public func seen(_ id: UUID, at: Date) async throws {
        try await db.raw("UPDATE agents SET last_seen_at = \(bind: Columns.millis(at)) WHERE id = \(bind: id.uuidString)").run()
    }

    /// What an agent says of itself when it starts: its labels, version and host.
    public func describe(_ id: UUID, labels: [String: String], version: String, host: String) async throws {
        try await db.raw("""
            UPDATE agents SET labels = \(bind: Self.labels(labels)), version = \(bind: version), host = \(bind: host) WHERE id = \(bind: id.uuidString)
            """).run()
    }

    public func setDisabled(_ id: UUID, at: Date?) async throws {
        try await db.raw("UPDATE agents SET disabled_at = \(bind: at.map(Columns.millis)) WHERE id = \(bind: id.uuidString)").run()
    }

    public func revoke(_ id: UUID, at: Date) async throws {
        try await db.raw("UPDATE agents SET revoked_at = \(bind: Columns.millis(at)) WHERE id = \(bind: id.uuidString) AND revoked_at IS NULL").run()
    }

    static func labels(_ labels: [String: String]) -> String { AgentTarget.text(labels) }

    static func agent(_ row: any SQLRow) throws -> Agent {
        let labelText = try row.decode(column: "labels", as: String.self)
        return Agent(
            id: UUID(uuidString: try row.decode(column: "id", as: String.self)) ?? UUID(),
            name: try row.decode(column: "name", as: String.self),
            labels: (try? AgentTarget.labels(labelText, field: "labels")) ?? [:],
            version: try row.decode(column: "version", as: String.self),
            host: try row.decode(column: "host", as: String.self),
            registeredAt: Columns.date(try row.decode(column: "registered_at", as: Int64.self)),
            lastSeenAt: try row.decode(column: "last_seen_at", as: Int64?.self).map(Columns.date),
            disabledAt: try row.decode(column: "disabled_at", as: Int64?.self).map(Columns.date),
            revokedAt: try row.decode(column: "revoked_at", as: Int64?.self).map(Columns.date),
            currentAttempt: try row.decode(column: "current_attempt", as: String?.self))
    }
}
