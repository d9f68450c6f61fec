import BasculeCore
import Foundation
import SQLKit

/// Stores releases. Reads join the environment so that callers see its name.
public struct ReleaseRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    private static let select: SQLQueryString = """
        SELECT r.id, r.number, r.title, r.version, r.type, r.status, r.planned_start, r.planned_end,
               e.name AS environment, r.owner, r.description, r.tags,
               r.created_at, r.updated_at, r.revision
        FROM releases r LEFT JOIN environments e ON e.id = r.environment_id
        """

    /// Takes the next key of this installation. Numbers are never reused, even after a delete,
    /// so that a key once said in a meeting always means the same release.
    public func nextKey() async throws -> ReleaseKey {
        try await db.raw("UPDATE sequences SET value = value + 1 WHERE name = 'release'").run()
        let row = try await db.raw("SELECT value FROM sequences WHERE name = 'release'").first()
        guard let number = try row?.decode(column: "value", as: Int.self) else {
            throw StoreError.corruptRow("the release sequence is missing")
        }
        return ReleaseKey(number: number)
    }

    public func find(_ key: ReleaseKey) async throws -> Release? {
        try await db.raw(Self.select + " WHERE r.number = \(bind: key.number)").first().map(Self.release)
    }

    /// The environment is named; its row is found here, by its unique name.
    public func insert(_ release: Release) async throws {
        try await db.raw("""
            INSERT INTO releases (id, number, title, version, type, status, planned_start, planned_end, environment_id,
                                  owner, description, objectives, scope, tags, created_at, updated_at, revision)
            VALUES (\(bind: release.id.uuidString), \(bind: release.key.number), \(bind: release.title), \(bind: release.version),
                    \(bind: release.type.rawValue), \(bind: release.status.rawValue), \(bind: release.window.map { Columns.millis($0.start) }),
                    \(bind: release.window.map { Columns.millis($0.end) }), (SELECT id FROM environments WHERE name = \(bind: release.environment)), \(bind: release.owner),
                    \(bind: release.description), '[]', '[]', \(bind: Columns.json(release.tags)),
                    \(bind: Columns.millis(release.createdAt)), \(bind: Columns.millis(release.updatedAt)), \(bind: release.revision))
            """).run()
    }

    /// Writes `release` only if the stored one is still at `previousRevision`; false when
    /// someone else wrote in between.
    public func update(_ release: Release, previousRevision: Int) async throws -> Bool {
        let rows = try await db.raw("""
            UPDATE releases SET title = \(bind: release.title), version = \(bind: release.version), type = \(bind: release.type.rawValue),
                status = \(bind: release.status.rawValue), planned_start = \(bind: release.window.map { Columns.millis($0.start) }),
                planned_end = \(bind: release.window.map { Columns.millis($0.end) }),
                environment_id = (SELECT id FROM environments WHERE name = \(bind: release.environment)),
                owner = \(bind: release.owner), description = \(bind: release.description),
                tags = \(bind: Columns.json(release.tags)),
                updated_at = \(bind: Columns.millis(release.updatedAt)), revision = \(bind: release.revision)
            WHERE id = \(bind: release.id.uuidString) AND revision = \(bind: previousRevision)
            RETURNING id
            """).all()
        return !rows.isEmpty
    }

    /// Deletes a draft with everything recorded inside it.
    /// The policy version in force when the release was last planned; nil before that.
    public func plannedUnderPolicy(_ release: Release) async throws -> Int? {
        try await db.raw("SELECT policy_version FROM releases WHERE id = \(bind: release.id.uuidString)").first()?
            .decode(column: "policy_version", as: Int?.self)
    }

    public func recordPlannedUnderPolicy(_ release: Release, version: Int) async throws {
        try await db.raw("UPDATE releases SET policy_version = \(bind: version) WHERE id = \(bind: release.id.uuidString)").run()
    }

    public func delete(_ release: Release) async throws -> Bool {
        let id = release.id.uuidString
        try await db.raw("DELETE FROM approval_decisions WHERE round_id IN (SELECT id FROM approval_rounds WHERE release_id = \(bind: id))").run()
        try await db.raw("DELETE FROM change_items WHERE change_id IN (SELECT id FROM changes WHERE release_id = \(bind: id))").run()
        try await RunRepository(db).deleteAll(of: release)
        // A draft's dependencies go with it, both ways: nothing can depend on a release that is gone.
        try await db.raw("DELETE FROM release_dependencies WHERE release_id = \(bind: id) OR on_release_id = \(bind: id)").run()
        for table in ["approval_rounds", "gate_overrides", "test_campaigns", "changes", "release_documents", "release_plans", "stakeholders",
                      "release_commits", "environment_deployments"] {
            try await db.raw("DELETE FROM \(unsafeRaw: table) WHERE release_id = \(bind: id)").run()
        }
        let rows = try await db.raw("DELETE FROM releases WHERE id = \(bind: release.id.uuidString) AND revision = \(bind: release.revision) RETURNING id").all()
        return !rows.isEmpty
    }

    /// Every release whose window overlaps `period` (cancelled ones included: callers filter).
    public func overlapping(_ period: DateInterval) async throws -> [Release] {
        try await db.raw(Self.select + """
             WHERE r.planned_start < \(bind: Columns.millis(period.end)) AND r.planned_end > \(bind: Columns.millis(period.start))
             ORDER BY r.planned_start, r.number
            """).all().map(Self.release)
    }

    /// One page in planned order: by planned start, unplanned last, then by key number.
    public func page(_ query: ReleaseQuery, limit: Int, after cursor: PageCursor?) async throws -> (items: [Release], next: PageCursor?) {
        var conditions = Self.conditions(query)
        if let cursor {
            guard case .planned(let start, let number) = cursor else { throw StoreError.invalidCursor }
            if let start {
                conditions.append("""
                    (r.planned_start IS NULL OR r.planned_start > \(bind: start) OR (r.planned_start = \(bind: start) AND r.number > \(bind: number)))
                    """)
            } else {
                conditions.append("(r.planned_start IS NULL AND r.number > \(bind: number))")
            }
        }
        var sql = Self.select
        if !conditions.isEmpty { sql = sql + " WHERE " + conditions.joined(separator: " AND ") }
        sql = sql + " ORDER BY CASE WHEN r.planned_start IS NULL THEN 1 ELSE 0 END, r.planned_start, r.number LIMIT \(bind: limit + 1)"
        let releases = try await db.raw(sql).all().map(Self.release)
        guard releases.count > limit else { return (releases, nil) }
        let page = Array(releases.prefix(limit))
        return (page, page.last.map { .planned(start: $0.window.map { Columns.millis($0.start) }, number: $0.key.number) })
    }

    /// A numbered page in any order, with the number of releases that match: what a list
    /// that people sort and page through needs. Unplanned and unowned releases come last
    /// whichever the direction.
    public func sorted(_ query: ReleaseQuery, by sort: ReleaseSort, descending: Bool, limit: Int, offset: Int) async throws -> (items: [Release], total: Int) {
        let conditions = Self.conditions(query)
        let filter: SQLQueryString = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let direction: SQLQueryString = descending ? " DESC" : " ASC"
        let column: SQLQueryString = switch sort {
        case .window: "r.planned_start"
        case .key: "r.number"
        case .title: "LOWER(r.title)"
        case .status: "r.status"
        case .type: "r.type"
        case .environment: "e.name"
        case .owner: "LOWER(r.owner)"
        }
        let order: SQLQueryString = " ORDER BY CASE WHEN " + column + " IS NULL THEN 1 ELSE 0 END, " + column + direction + ", r.number" + direction
        let rows = try await db.raw(Self.select + filter + order + " LIMIT \(bind: limit) OFFSET \(bind: offset)").all().map(Self.release)
        let total = try await db.raw("SELECT COUNT(*) AS n FROM releases r LEFT JOIN environments e ON e.id = r.environment_id" + filter)
            .first()?.decode(column: "n", as: Int.self) ?? 0
        return (rows, total)
    }

    private static func conditions(_ query: ReleaseQuery) -> [SQLQueryString] {
        var conditions: [SQLQueryString] = []
        if !query.statuses.isEmpty {
            conditions.append("r.status IN (\(binds: query.statuses.map(\.rawValue)))")
        }
        if let environment = query.environment {
            conditions.append("e.name = \(bind: environment)")
        }
        if let from = query.from {
            conditions.append("r.planned_end >= \(bind: Columns.millis(from))")
        }
        if let to = query.to {
            conditions.append("r.planned_start < \(bind: Columns.millis(to))")
        }
        if let text = query.text?.lowercased(), !text.isEmpty {
            let pattern = "%" + Self.escapeLike(text) + "%"
            var matches: [SQLQueryString] = ["LOWER(r.title) LIKE \(bind: pattern) ESCAPE '!'",
                                             "LOWER(r.version) LIKE \(bind: pattern) ESCAPE '!'",
                                             "LOWER(COALESCE(r.owner, '')) LIKE \(bind: pattern) ESCAPE '!'"]
            if let key = ReleaseKey(text) { matches.append("r.number = \(bind: key.number)") }
            matches.append("LOWER(r.tags) LIKE \(bind: pattern) ESCAPE '!'")
            matches.append("LOWER(COALESCE(e.name, '')) LIKE \(bind: pattern) ESCAPE '!'")
            conditions.append("(" + matches.joined(separator: " OR ") + ")")
        }
        if !query.types.isEmpty {
            conditions.append("r.type IN (\(binds: query.types.map(\.rawValue)))")
        }
        if let owner = query.owner {
            conditions.append("r.owner = \(bind: owner)")
        }
        if let tag = query.tag {
            // Tags are stored as a JSON array: the quoted tag is one element, whole.
            conditions.append("r.tags LIKE \(bind: "%" + escapeLike(String(Columns.json([tag]).dropFirst().dropLast())) + "%") ESCAPE '!'")
        }
        return conditions
    }

    public func count() async throws -> Int {
        try await db.raw("SELECT COUNT(*) AS n FROM releases").first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// `!` escapes LIKE's wildcards so that a search for "50%" finds the text "50%".
    private static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "!", with: "!!").replacingOccurrences(of: "%", with: "!%").replacingOccurrences(of: "_", with: "!_")
    }

    static func release(_ row: any SQLRow) throws -> Release {
        let typeText = try row.decode(column: "type", as: String.self)
        let statusText = try row.decode(column: "status", as: String.self)
        guard let id = UUID(uuidString: try row.decode(column: "id", as: String.self)),
              let type = ReleaseType(rawValue: typeText), let status = ReleaseStatus(rawValue: statusText)
        else {
            throw StoreError.corruptRow("release with type \(typeText) and status \(statusText)")
        }
        let start = try row.decode(column: "planned_start", as: Int64?.self)
        let end = try row.decode(column: "planned_end", as: Int64?.self)
        let window = start.flatMap { start in end.flatMap { PlannedWindow(start: Columns.date(start), end: Columns.date($0)) } }
        let fields = ReleaseFields(
            title: try row.decode(column: "title", as: String.self),
            version: try row.decode(column: "version", as: String.self),
            type: type, window: window,
            environment: try row.decode(column: "environment", as: String?.self),
            owner: try row.decode(column: "owner", as: String?.self),
            description: try row.decode(column: "description", as: String.self),
            tags: try Columns.list(try row.decode(column: "tags", as: String.self)))
        return Release(
            id: id, key: ReleaseKey(number: try row.decode(column: "number", as: Int.self)), fields: fields, status: status,
            createdAt: Columns.date(try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Columns.date(try row.decode(column: "updated_at", as: Int64.self)),
            revision: try row.decode(column: "revision", as: Int.self))
    }
}
