import BasculeCore
import Foundation
import SQLKit

/// Stores configuration items and their relations. Every write bumps the inventory's
/// revision in the same transaction, which in-memory copies of the graph compare against.
public struct InventoryRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    /// Rows per multi-row INSERT: well under SQLite's and PostgreSQL's limits on bound values.
    static let batch = 400

    private static let select: SQLQueryString = """
        SELECT key, name, type, owner_team, criticality, environments, tags, created_at, updated_at, revision FROM configuration_items
        """

    public func revision() async throws -> Int {
        try await db.raw("SELECT value FROM sequences WHERE name = 'inventory'").first()?.decode(column: "value", as: Int.self) ?? 0
    }

    public func bumpRevision() async throws {
        try await db.raw("UPDATE sequences SET value = value + 1 WHERE name = 'inventory'").run()
    }

    public func count() async throws -> Int {
        try await db.raw("SELECT COUNT(*) AS n FROM configuration_items").first()?.decode(column: "n", as: Int.self) ?? 0
    }

    public func find(_ key: CIKey) async throws -> ConfigurationItem? {
        guard let row = try await db.raw(Self.select + " WHERE key = \(bind: key.text)").first() else { return nil }
        let dependencies = try await db.raw("SELECT dependency FROM ci_relations WHERE dependent = \(bind: key.text) ORDER BY dependency").all()
            .map { try $0.decode(column: "dependency", as: String.self) }
        return try Self.item(row, dependsOn: dependencies)
    }

    /// Which of `keys` exist.
    public func existing(_ keys: [CIKey]) async throws -> Set<CIKey> {
        var found: Set<CIKey> = []
        for chunk in stride(from: 0, to: keys.count, by: Self.batch).map({ Array(keys[$0..<min($0 + Self.batch, keys.count)]) }) {
            let rows = try await db.select().column("key").from("configuration_items")
                .where("key", .in, chunk.map(\.text)).all()
            for row in rows { if let key = CIKey(try row.decode(column: "key", as: String.self)) { found.insert(key) } }
        }
        return found
    }

    /// Every item with its relations, by key.
    public func all() async throws -> [ConfigurationItem] {
        var dependencies: [String: [String]] = [:]
        for row in try await db.raw("SELECT dependent, dependency FROM ci_relations ORDER BY dependent, dependency").all() {
            dependencies[try row.decode(column: "dependent", as: String.self), default: []].append(try row.decode(column: "dependency", as: String.self))
        }
        return try await db.raw(Self.select + " ORDER BY key").all().map { row in
            try Self.item(row, dependsOn: dependencies[try row.decode(column: "key", as: String.self)] ?? [])
        }
    }

    /// One page by key, filtered.
    public func page(type: CIType?, team: String?, tag: String?, text: String?, limit: Int, after: String?) async throws -> [ConfigurationItem] {
        var sql = Self.select + " WHERE 1 = 1"
        if let type { sql = sql + " AND type = \(bind: type.rawValue)" }
        if let team { sql = sql + " AND LOWER(owner_team) = \(bind: team.lowercased())" }
        if let tag { sql = sql + " AND tags LIKE \(bind: "%\"\(tag.lowercased().replacingOccurrences(of: "\"", with: ""))\"%")" }
        if let text {
            let pattern = "%" + text.lowercased().replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_") + "%"
            sql = sql + " AND (key LIKE \(bind: pattern) ESCAPE '\\' OR LOWER(name) LIKE \(bind: pattern) ESCAPE '\\')"
        }
        if let after { sql = sql + " AND key > \(bind: after)" }
        sql = sql + " ORDER BY key LIMIT \(bind: limit)"
        let rows = try await db.raw(sql).all()
        let keys = try rows.map { try $0.decode(column: "key", as: String.self) }
        var dependencies: [String: [String]] = [:]
        if !keys.isEmpty {
            for row in try await db.select().columns("dependent", "dependency").from("ci_relations").where("dependent", .in, keys)
                .orderBy("dependency").all() {
                dependencies[try row.decode(column: "dependent", as: String.self), default: []].append(try row.decode(column: "dependency", as: String.self))
            }
        }
        return try rows.map { try Self.item($0, dependsOn: dependencies[try $0.decode(column: "key", as: String.self)] ?? []) }
    }

    /// The light nodes and all relations, to build the dependency graph.
    public func graph() async throws -> DependencyGraph {
        let nodes = try await db.raw("SELECT key, name, type, owner_team, criticality FROM configuration_items ORDER BY key").all().map { row in
            let key = try row.decode(column: "key", as: String.self), type = try row.decode(column: "type", as: String.self)
            guard let parsed = CIKey(key), let kind = CIType(rawValue: type) else { throw StoreError.corruptRow("configuration item \(key)") }
            return DependencyGraph.Node(key: parsed, name: try row.decode(column: "name", as: String.self), type: kind,
                                        criticality: try row.decode(column: "criticality", as: Int.self),
                                        ownerTeam: try row.decode(column: "owner_team", as: String?.self))
        }
        let relations = try await db.raw("SELECT dependent, dependency FROM ci_relations").all().compactMap { row -> (CIKey, CIKey)? in
            guard let dependent = CIKey(try row.decode(column: "dependent", as: String.self)),
                  let dependency = CIKey(try row.decode(column: "dependency", as: String.self)) else { return nil }
            return (dependent, dependency)
        }
        return DependencyGraph(nodes: nodes, relations: relations.map { (dependent: $0.0, dependency: $0.1) })
    }

    /// Inserts new items, then their relations (so that relations between new items hold).
    public func insert(_ items: [ConfigurationItem]) async throws {
        for chunk in stride(from: 0, to: items.count, by: Self.batch).map({ items[$0..<min($0 + Self.batch, items.count)] }) {
            var insert = db.insert(into: "configuration_items")
                .columns("key", "name", "type", "owner_team", "criticality", "environments", "tags", "created_at", "updated_at", "revision")
            for item in chunk {
                let f = item.fields
                insert = insert.values(SQLBind(item.key.text), SQLBind(f.name), SQLBind(f.type.rawValue), SQLBind(f.ownerTeam), SQLBind(f.criticality),
                                       SQLBind(Columns.json(f.environments)), SQLBind(Columns.json(f.tags)), SQLBind(Columns.millis(item.createdAt)),
                                       SQLBind(Columns.millis(item.updatedAt)), SQLBind(item.revision))
            }
            try await insert.run()
        }
    }

    /// Replaces the fields of items that exist, each checked against `previousRevision` when given.
    public func update(_ item: ConfigurationItem, previousRevision: Int?) async throws -> Bool {
        let f = item.fields
        var sql: SQLQueryString = """
            UPDATE configuration_items SET name = \(bind: f.name), type = \(bind: f.type.rawValue), owner_team = \(bind: f.ownerTeam),
                criticality = \(bind: f.criticality), environments = \(bind: Columns.json(f.environments)), tags = \(bind: Columns.json(f.tags)),
                updated_at = \(bind: Columns.millis(item.updatedAt)), revision = \(bind: item.revision)
            WHERE key = \(bind: item.key.text)
            """
        if let previousRevision { sql = sql + " AND revision = \(bind: previousRevision)" }
        return !(try await db.raw(sql + " RETURNING key").all()).isEmpty
    }

    /// Sets what each of `items` depends on, replacing what was there.
    public func replaceRelations(of items: [ConfigurationItem]) async throws {
        for chunk in stride(from: 0, to: items.count, by: Self.batch).map({ Array(items[$0..<min($0 + Self.batch, items.count)]) }) {
            try await db.delete(from: "ci_relations").where("dependent", .in, chunk.map(\.key.text)).run()
            let pairs = chunk.flatMap { item in item.fields.dependsOn.map { (item.key.text, $0.text) } }
            for part in stride(from: 0, to: pairs.count, by: Self.batch).map({ pairs[$0..<min($0 + Self.batch, pairs.count)] }) {
                var insert = db.insert(into: "ci_relations").columns("dependent", "dependency")
                for (dependent, dependency) in part { insert = insert.values(SQLBind(dependent), SQLBind(dependency)) }
                try await insert.run()
            }
        }
    }

    /// What stops an item from being deleted: items that depend on it, changes that name it.
    public func references(to key: CIKey) async throws -> (dependents: [String], changes: [Int]) {
        let dependents = try await db.raw("SELECT dependent FROM ci_relations WHERE dependency = \(bind: key.text) ORDER BY dependent LIMIT 10").all()
            .map { try $0.decode(column: "dependent", as: String.self) }
        let changes = try await db.raw("""
            SELECT c.number FROM change_items i JOIN changes c ON c.id = i.change_id WHERE i.item = \(bind: key.text) ORDER BY c.number LIMIT 10
            """).all().map { try $0.decode(column: "number", as: Int.self) }
        return (dependents, changes)
    }

    public func delete(_ item: ConfigurationItem) async throws -> Bool {
        try await db.raw("DELETE FROM ci_relations WHERE dependent = \(bind: item.key.text)").run()
        return !(try await db.raw("DELETE FROM configuration_items WHERE key = \(bind: item.key.text) AND revision = \(bind: item.revision) RETURNING key").all()).isEmpty
    }

    // MARK: - Items of changes

    public func items(ofChange id: UUID) async throws -> [CIKey] {
        try await db.raw("SELECT item FROM change_items WHERE change_id = \(bind: id.uuidString) ORDER BY item").all()
            .compactMap { CIKey(try $0.decode(column: "item", as: String.self)) }
    }

    public func setItems(_ items: [CIKey], ofChange id: UUID) async throws {
        try await db.raw("DELETE FROM change_items WHERE change_id = \(bind: id.uuidString)").run()
        guard !items.isEmpty else { return }
        var insert = db.insert(into: "change_items").columns("change_id", "item")
        for item in items { insert = insert.values(SQLBind(id.uuidString), SQLBind(item.text)) }
        try await insert.run()
    }

    /// The items modified by the live changes (not rejected or cancelled) of each release, by release id.
    public func itemsByRelease(ids: [UUID]? = nil) async throws -> [UUID: [CIKey]] {
        var sql: SQLQueryString = """
            SELECT c.release_id, i.item FROM change_items i JOIN changes c ON c.id = i.change_id
            WHERE c.status NOT IN ('rejected', 'cancelled')
            """
        if let ids {
            guard !ids.isEmpty else { return [:] }
            sql = sql + " AND c.release_id IN (\(binds: ids.map(\.uuidString)))"
        }
        var result: [UUID: Set<CIKey>] = [:]
        for row in try await db.raw(sql).all() {
            guard let id = UUID(uuidString: try row.decode(column: "release_id", as: String.self)),
                  let item = CIKey(try row.decode(column: "item", as: String.self)) else { continue }
            result[id, default: []].insert(item)
        }
        return result.mapValues { $0.sorted() }
    }

    static func item(_ row: any SQLRow, dependsOn: [String]) throws -> ConfigurationItem {
        let key = try row.decode(column: "key", as: String.self), type = try row.decode(column: "type", as: String.self)
        guard let parsed = CIKey(key), let kind = CIType(rawValue: type) else { throw StoreError.corruptRow("configuration item \(key)") }
        return ConfigurationItem(
            key: parsed,
            fields: CIFields(name: try row.decode(column: "name", as: String.self), type: kind, ownerTeam: try row.decode(column: "owner_team", as: String?.self),
                             criticality: try row.decode(column: "criticality", as: Int.self),
                             environments: try Columns.list(try row.decode(column: "environments", as: String.self)),
                             tags: try Columns.list(try row.decode(column: "tags", as: String.self)), dependsOn: dependsOn.compactMap(CIKey.init)),
            createdAt: Columns.date(try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Columns.date(try row.decode(column: "updated_at", as: Int64.self)),
            revision: try row.decode(column: "revision", as: Int.self))
    }
}
