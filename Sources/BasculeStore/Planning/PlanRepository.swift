import BasculeCore
import Foundation
import SQLKit

/// A release's plan, kept as one JSON document with its own revision.
public struct PlanRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    /// The plan and its revision. A release never planned gets a fresh plan at revision 0,
    /// seeded from the objectives and scope it held before plans existed (migration 4).
    public func find(for release: Release) async throws -> (plan: ReleasePlan, revision: Int) {
        if let row = try await db.raw("SELECT plan, revision FROM release_plans WHERE release_id = \(bind: release.id.uuidString)").first() {
            let text = try row.decode(column: "plan", as: String.self)
            return (try Self.decode(text), try row.decode(column: "revision", as: Int.self))
        }
        var plan = ReleasePlan()
        if let legacy = try await db.raw("SELECT objectives, scope FROM releases WHERE id = \(bind: release.id.uuidString)").first() {
            plan.objectives = try Columns.list(try legacy.decode(column: "objectives", as: String.self)).map { Objective(statement: $0) }
            plan.scopeIn = try Columns.list(try legacy.decode(column: "scope", as: String.self))
        }
        return (plan, 0)
    }

    /// The milestones of each release that has a plan, by key.
    public func milestones(of releases: [Release]) async throws -> [ReleaseKey: [Milestone]] {
        guard !releases.isEmpty else { return [:] }
        let keys = Dictionary(releases.map { ($0.id.uuidString, $0.key) }, uniquingKeysWith: { first, _ in first })
        var result: [ReleaseKey: [Milestone]] = [:]
        for chunk in stride(from: 0, to: releases.count, by: 400).map({ releases[$0..<min($0 + 400, releases.count)] }) {
            for row in try await db.raw("SELECT release_id, plan FROM release_plans WHERE release_id IN (\(binds: chunk.map(\.id.uuidString)))").all() {
                guard let key = keys[try row.decode(column: "release_id", as: String.self)] else { continue }
                let plan = try Self.decode(try row.decode(column: "plan", as: String.self))
                if !plan.milestones.isEmpty { result[key] = plan.milestones }
            }
        }
        return result
    }

    /// Writes the plan if it is still at `previousRevision`; false when someone wrote in between.
    public func save(_ plan: ReleasePlan, for release: Release, previousRevision: Int, at: Date) async throws -> Bool {
        let text = try Self.encode(plan)
        if previousRevision == 0 {
            do {
                try await db.raw("""
                    INSERT INTO release_plans (release_id, plan, revision, updated_at)
                    VALUES (\(bind: release.id.uuidString), \(bind: text), 1, \(bind: Columns.millis(at)))
                    """).run()
                return true
            } catch where Store.isUniqueViolation(error) {
                return false
            }
        }
        let rows = try await db.raw("""
            UPDATE release_plans SET plan = \(bind: text), revision = \(bind: previousRevision + 1), updated_at = \(bind: Columns.millis(at))
            WHERE release_id = \(bind: release.id.uuidString) AND revision = \(bind: previousRevision) RETURNING release_id
            """).all()
        return !rows.isEmpty
    }

    static func encode(_ plan: ReleasePlan) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(plan), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> ReleasePlan {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        do {
            return try decoder.decode(ReleasePlan.self, from: Data(text.utf8))
        } catch {
            throw StoreError.corruptRow("a release plan is not a readable plan document")
        }
    }
}

/// Release notes and rollback plans, every version kept.
public struct DocumentRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    /// Every version of one document, newest first.
    public func history(_ kind: DocumentKind, of release: Release) async throws -> [DocumentVersion] {
        try await db.raw("""
            SELECT kind, version, content, author, created_at FROM release_documents
            WHERE release_id = \(bind: release.id.uuidString) AND kind = \(bind: kind.rawValue) ORDER BY version DESC
            """).all().map(Self.version)
    }

    public func current(_ kind: DocumentKind, of release: Release) async throws -> DocumentVersion? {
        try await db.raw("""
            SELECT kind, version, content, author, created_at FROM release_documents
            WHERE release_id = \(bind: release.id.uuidString) AND kind = \(bind: kind.rawValue) ORDER BY version DESC LIMIT 1
            """).first().map(Self.version)
    }

    /// The kinds whose latest version has some content.
    public func present(for release: Release) async throws -> Set<DocumentKind> {
        var present: Set<DocumentKind> = []
        for kind in DocumentKind.allCases {
            if let current = try await current(kind, of: release), !current.content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                present.insert(kind)
            }
        }
        return present
    }

    /// Adds `version`, which must be the next number: two writers racing get a duplicate.
    public func append(_ version: DocumentVersion, to release: Release) async throws {
        do {
            try await db.raw("""
                INSERT INTO release_documents (release_id, kind, version, content, author, created_at)
                VALUES (\(bind: release.id.uuidString), \(bind: version.kind.rawValue), \(bind: version.version), \(bind: version.content),
                        \(bind: version.author), \(bind: Columns.millis(version.at)))
                """).run()
        } catch where Store.isUniqueViolation(error) {
            throw StoreError.duplicate("version \(version.version) of the \(version.kind.rawValue)")
        }
    }

    static func version(_ row: any SQLRow) throws -> DocumentVersion {
        let kindText = try row.decode(column: "kind", as: String.self)
        guard let kind = DocumentKind(rawValue: kindText) else { throw StoreError.corruptRow("document kind \(kindText)") }
        return DocumentVersion(kind: kind, version: try row.decode(column: "version", as: Int.self),
                               content: try row.decode(column: "content", as: String.self), author: try row.decode(column: "author", as: String.self),
                               at: Columns.date(try row.decode(column: "created_at", as: Int64.self)))
    }
}
