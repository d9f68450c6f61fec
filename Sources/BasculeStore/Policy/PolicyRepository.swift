import BasculeCore
import Foundation
import SQLKit

/// The versions of the release policy document. Versions are only ever added.
public struct PolicyRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    public func current() async throws -> PolicyVersion? {
        try await db.raw("SELECT version, document, author, created_at FROM policies ORDER BY version DESC LIMIT 1").first().map(Self.version)
    }

    public func find(version: Int) async throws -> PolicyVersion? {
        try await db.raw("SELECT version, document, author, created_at FROM policies WHERE version = \(bind: version)").first().map(Self.version)
    }

    /// Newest first, without the documents.
    public func versions() async throws -> [PolicyVersion] {
        try await db.raw("SELECT version, '' AS document, author, created_at FROM policies ORDER BY version DESC").all().map(Self.version)
    }

    public func append(_ version: PolicyVersion) async throws {
        do {
            try await db.raw("""
                INSERT INTO policies (version, document, author, created_at)
                VALUES (\(bind: version.version), \(bind: version.document), \(bind: version.author), \(bind: Columns.millis(version.at)))
                """).run()
        } catch where Store.isUniqueViolation(error) {
            throw StoreError.duplicate("policy version \(version.version)")
        }
    }

    static func version(_ row: any SQLRow) throws -> PolicyVersion {
        PolicyVersion(version: try row.decode(column: "version", as: Int.self), document: try row.decode(column: "document", as: String.self),
                      author: try row.decode(column: "author", as: String.self), at: Columns.date(try row.decode(column: "created_at", as: Int64.self)))
    }
}

/// Approval rounds with their decisions, and gate overrides.
public struct ApprovalRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    /// The latest round of a release, open or voided.
    public func latest(for release: Release) async throws -> ApprovalRound? {
        guard let row = try await db.raw("""
            SELECT id, requested_by, requested_at, requirements, status, void_reason, voided_at FROM approval_rounds
            WHERE release_id = \(bind: release.id.uuidString) ORDER BY requested_at DESC, id DESC LIMIT 1
            """).first() else { return nil }
        return try await round(row)
    }

    /// Open rounds across releases, with the release numbers, for the approvals inbox; whether a
    /// release still takes decisions is the caller's rule (`ApprovalRound.awaitsDecisions`).
    public func open() async throws -> [(releaseNumber: Int, round: ApprovalRound)] {
        let rows = try await db.raw("""
            SELECT a.id, a.requested_by, a.requested_at, a.requirements, a.status, a.void_reason, a.voided_at, r.number
            FROM approval_rounds a JOIN releases r ON r.id = a.release_id
            WHERE a.status = 'open' ORDER BY a.requested_at
            """).all()
        var result: [(Int, ApprovalRound)] = []
        for row in rows { result.append((try row.decode(column: "number", as: Int.self), try await round(row))) }
        return result
    }

    /// Refused (`duplicate`) while the release has an open round: a unique index holds it, so
    /// that two requests at once cannot both open one.
    public func insert(_ round: ApprovalRound, for release: Release) async throws {
        do {
            try await db.raw("""
                INSERT INTO approval_rounds (id, release_id, requested_by, requested_at, requirements, status, void_reason, voided_at)
                VALUES (\(bind: round.id.uuidString), \(bind: release.id.uuidString), \(bind: round.requestedBy), \(bind: Columns.millis(round.requestedAt)),
                        \(bind: try Self.encode(round.requirements)), \(bind: round.status.rawValue), \(bind: round.voidReason),
                        \(bind: round.voidedAt.map(Columns.millis)))
                """).run()
        } catch where Store.isUniqueViolation(error) {
            throw StoreError.duplicate("an open approval round for \(release.key)")
        }
    }

    /// Marks an open round voided; false when it was no longer open.
    public func void(_ round: ApprovalRound) async throws -> Bool {
        !(try await db.raw("""
            UPDATE approval_rounds SET status = 'voided', void_reason = \(bind: round.voidReason), voided_at = \(bind: round.voidedAt.map(Columns.millis))
            WHERE id = \(bind: round.id.uuidString) AND status = 'open' RETURNING id
            """).all()).isEmpty
    }

    /// Adds a decision; the primary key makes a second decision by the same person a duplicate.
    public func add(_ decision: ApprovalDecision, to round: ApprovalRound) async throws {
        do {
            try await db.raw("""
                INSERT INTO approval_decisions (round_id, approver, roles, decision, comment, conditions, at)
                VALUES (\(bind: round.id.uuidString), \(bind: decision.approver), \(bind: Columns.json(decision.roles.map(\.rawValue).sorted())),
                        \(bind: decision.decision.rawValue), \(bind: decision.comment), \(bind: decision.conditions), \(bind: Columns.millis(decision.at)))
                """).run()
        } catch where Store.isUniqueViolation(error) {
            throw StoreError.duplicate("a decision by \(decision.approver) in this round")
        }
    }

    public func overrides(for release: Release) async throws -> [GateOverride] {
        try await db.raw("""
            SELECT id, target, rules, reason, actor, at FROM gate_overrides WHERE release_id = \(bind: release.id.uuidString) ORDER BY at DESC
            """).all().map { row in
            let target = try row.decode(column: "target", as: String.self)
            guard let id = UUID(uuidString: try row.decode(column: "id", as: String.self)), let status = ReleaseStatus(rawValue: target) else {
                throw StoreError.corruptRow("gate override to \(target)")
            }
            return GateOverride(id: id, target: status, rules: try Columns.list(try row.decode(column: "rules", as: String.self)),
                                reason: try row.decode(column: "reason", as: String.self), actor: try row.decode(column: "actor", as: String.self),
                                at: Columns.date(try row.decode(column: "at", as: Int64.self)))
        }
    }

    public func insert(_ override: GateOverride, for release: Release) async throws {
        try await db.raw("""
            INSERT INTO gate_overrides (id, release_id, target, rules, reason, actor, at)
            VALUES (\(bind: override.id.uuidString), \(bind: release.id.uuidString), \(bind: override.target.rawValue),
                    \(bind: Columns.json(override.rules)), \(bind: override.reason), \(bind: override.actor), \(bind: Columns.millis(override.at)))
            """).run()
    }

    private func round(_ row: any SQLRow) async throws -> ApprovalRound {
        let idText = try row.decode(column: "id", as: String.self)
        let statusText = try row.decode(column: "status", as: String.self)
        guard let id = UUID(uuidString: idText), let status = ApprovalRound.Status(rawValue: statusText) else {
            throw StoreError.corruptRow("approval round \(idText)")
        }
        let decisions = try await db.raw("""
            SELECT approver, roles, decision, comment, conditions, at FROM approval_decisions WHERE round_id = \(bind: idText) ORDER BY at, approver
            """).all().map { row in
            let kindText = try row.decode(column: "decision", as: String.self)
            guard let kind = ApprovalDecisionKind(rawValue: kindText) else { throw StoreError.corruptRow("decision \(kindText)") }
            return ApprovalDecision(
                approver: try row.decode(column: "approver", as: String.self),
                roles: Set(try Columns.list(try row.decode(column: "roles", as: String.self)).compactMap(Role.init(rawValue:))),
                decision: kind, comment: try row.decode(column: "comment", as: String.self),
                conditions: try row.decode(column: "conditions", as: String.self), at: Columns.date(try row.decode(column: "at", as: Int64.self)))
        }
        let requirementsText = try row.decode(column: "requirements", as: String.self)
        guard let requirements = try? JSONDecoder().decode([ApprovalRequirement].self, from: Data(requirementsText.utf8)) else {
            throw StoreError.corruptRow("approval requirements of round \(idText)")
        }
        return ApprovalRound(
            id: id, requestedBy: try row.decode(column: "requested_by", as: String.self),
            requestedAt: Columns.date(try row.decode(column: "requested_at", as: Int64.self)), requirements: requirements,
            decisions: decisions, status: status, voidReason: try row.decode(column: "void_reason", as: String?.self),
            voidedAt: try row.decode(column: "voided_at", as: Int64?.self).map(Columns.date))
    }

    static func encode(_ requirements: [ApprovalRequirement]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(requirements), as: UTF8.self)
    }
}
