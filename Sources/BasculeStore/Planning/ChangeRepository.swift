import BasculeCore
import Foundation
import SQLKit

/// Stores the changes (RFCs) of releases.
public struct ChangeRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    private static let select: SQLQueryString = """
        SELECT c.id, c.number, r.number AS release_number, c.title, c.description, c.category, c.kind, c.link, c.risk, c.rollback,
               c.status, c.requested_by, c.created_at, c.updated_at, c.revision
        FROM changes c JOIN releases r ON r.id = c.release_id
        """

    public func nextKey() async throws -> ChangeKey {
        try await db.raw("UPDATE sequences SET value = value + 1 WHERE name = 'change'").run()
        guard let number = try await db.raw("SELECT value FROM sequences WHERE name = 'change'").first()?.decode(column: "value", as: Int.self) else {
            throw StoreError.corruptRow("the change sequence is missing")
        }
        return ChangeKey(number: number)
    }

    public func all(of release: Release) async throws -> [Change] {
        var items: [String: [String]] = [:]
        for row in try await db.raw("""
            SELECT i.change_id, i.item FROM change_items i JOIN changes c ON c.id = i.change_id
            WHERE c.release_id = \(bind: release.id.uuidString) ORDER BY i.item
            """).all() {
            items[try row.decode(column: "change_id", as: String.self), default: []].append(try row.decode(column: "item", as: String.self))
        }
        return try await db.raw(Self.select + " WHERE c.release_id = \(bind: release.id.uuidString) ORDER BY c.number").all().map { row in
            var change = try Self.change(row)
            change.fields.items = items[change.id.uuidString] ?? []
            return change
        }
    }

    public func find(_ key: ChangeKey) async throws -> Change? {
        guard var change = try await db.raw(Self.select + " WHERE c.number = \(bind: key.number)").first().map(Self.change) else { return nil }
        change.fields.items = try await InventoryRepository(db).items(ofChange: change.id).map(\.text)
        return change
    }

    public func insert(_ change: Change, in release: Release) async throws {
        let f = change.fields
        try await db.raw("""
            INSERT INTO changes (id, number, release_id, title, description, category, kind, link, risk, rollback, status, requested_by,
                                 created_at, updated_at, revision)
            VALUES (\(bind: change.id.uuidString), \(bind: change.key.number), \(bind: release.id.uuidString), \(bind: f.title), \(bind: f.description),
                    \(bind: f.category.rawValue), \(bind: f.kind.rawValue), \(bind: f.link), \(bind: f.risk.rawValue), \(bind: f.rollback),
                    \(bind: f.status.rawValue), \(bind: change.requestedBy), \(bind: Columns.millis(change.createdAt)),
                    \(bind: Columns.millis(change.updatedAt)), \(bind: change.revision))
            """).run()
        try await InventoryRepository(db).setItems(f.itemKeys, ofChange: change.id)
    }

    public func update(_ change: Change, previousRevision: Int) async throws -> Bool {
        let f = change.fields
        let rows = try await db.raw("""
            UPDATE changes SET title = \(bind: f.title), description = \(bind: f.description), category = \(bind: f.category.rawValue),
                kind = \(bind: f.kind.rawValue), link = \(bind: f.link), risk = \(bind: f.risk.rawValue), rollback = \(bind: f.rollback),
                status = \(bind: f.status.rawValue), updated_at = \(bind: Columns.millis(change.updatedAt)), revision = \(bind: change.revision)
            WHERE id = \(bind: change.id.uuidString) AND revision = \(bind: previousRevision) RETURNING id
            """).all()
        guard !rows.isEmpty else { return false }
        try await InventoryRepository(db).setItems(f.itemKeys, ofChange: change.id)
        return true
    }

    public func delete(_ change: Change) async throws -> Bool {
        try await db.raw("DELETE FROM change_items WHERE change_id = \(bind: change.id.uuidString)").run()
        return !(try await db.raw("DELETE FROM changes WHERE id = \(bind: change.id.uuidString) AND revision = \(bind: change.revision) RETURNING id").all()).isEmpty
    }

    static func change(_ row: any SQLRow) throws -> Change {
        let texts = try ["category", "kind", "risk", "status"].map { try row.decode(column: $0, as: String.self) }
        guard let id = UUID(uuidString: try row.decode(column: "id", as: String.self)),
              let category = ChangeCategory(rawValue: texts[0]), let kind = ChangeKind(rawValue: texts[1]),
              let risk = RiskLevel(rawValue: texts[2]), let status = ChangeStatus(rawValue: texts[3])
        else { throw StoreError.corruptRow("change with \(texts.joined(separator: ", "))") }
        return Change(
            id: id, key: ChangeKey(number: try row.decode(column: "number", as: Int.self)),
            releaseKey: ReleaseKey(number: try row.decode(column: "release_number", as: Int.self)),
            fields: ChangeFields(title: try row.decode(column: "title", as: String.self), description: try row.decode(column: "description", as: String.self),
                                 category: category, kind: kind, link: try row.decode(column: "link", as: String?.self), risk: risk,
                                 rollback: try row.decode(column: "rollback", as: String.self), status: status),
            requestedBy: try row.decode(column: "requested_by", as: String.self),
            createdAt: Columns.date(try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Columns.date(try row.decode(column: "updated_at", as: Int64.self)),
            revision: try row.decode(column: "revision", as: Int.self))
    }
}

/// Stores test campaigns.
public struct TestCampaignRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    /// Newest first.
    public func all(of release: Release) async throws -> [TestCampaign] {
        try await db.raw("""
            SELECT id, kind, environment, passed, failed, skipped, failing_tests, evidence, source, recorded_by, recorded_at
            FROM test_campaigns WHERE release_id = \(bind: release.id.uuidString) ORDER BY recorded_at DESC, id
            """).all().map(Self.campaign)
    }

    public func insert(_ campaign: TestCampaign, in release: Release) async throws {
        let r = campaign.result
        try await db.raw("""
            INSERT INTO test_campaigns (id, release_id, kind, environment, passed, failed, skipped, failing_tests, evidence, source, recorded_by, recorded_at)
            VALUES (\(bind: campaign.id.uuidString), \(bind: release.id.uuidString), \(bind: campaign.kind.rawValue), \(bind: campaign.environment),
                    \(bind: r.passed), \(bind: r.failed), \(bind: r.skipped), \(bind: Columns.json(r.failingTests)), \(bind: campaign.evidence),
                    \(bind: campaign.source), \(bind: campaign.recordedBy), \(bind: Columns.millis(campaign.recordedAt)))
            """).run()
    }

    static func campaign(_ row: any SQLRow) throws -> TestCampaign {
        let kindText = try row.decode(column: "kind", as: String.self)
        guard let id = UUID(uuidString: try row.decode(column: "id", as: String.self)), let kind = TestKind(rawValue: kindText) else {
            throw StoreError.corruptRow("test campaign of kind \(kindText)")
        }
        return TestCampaign(
            id: id, kind: kind, environment: try row.decode(column: "environment", as: String?.self),
            result: TestResult(passed: try row.decode(column: "passed", as: Int.self), failed: try row.decode(column: "failed", as: Int.self),
                               skipped: try row.decode(column: "skipped", as: Int.self),
                               failingTests: try Columns.list(try row.decode(column: "failing_tests", as: String.self))),
            evidence: try row.decode(column: "evidence", as: String?.self), source: try row.decode(column: "source", as: String.self),
            recordedBy: try row.decode(column: "recorded_by", as: String.self),
            recordedAt: Columns.date(try row.decode(column: "recorded_at", as: Int64.self)))
    }
}
