import BasculeCore
import BasculeStore
import Foundation

/// One impacted item, for the API and the page.
public struct ImpactedItem: Sendable, Equatable {
    public let node: DependencyGraph.Node
    public let depth: Int
    /// From the modified item to this one: `[payroll-db, payroll-api, payroll]`.
    public let path: [CIKey]
}

/// What a release touches: the items its changes modify and every item depending on them,
/// business services first.
public struct ReleaseImpact: Sendable {
    public let modified: [DependencyGraph.Node]
    public let impacted: [ImpactedItem]

    public var businessServices: [ImpactedItem] { impacted.filter { $0.node.type == .service } }
}

/// The result of an import: what it did (or would do, or refused to do).
public struct InventoryImportReport: Sendable {
    public let plan: InventoryImportPlan
    public let applied: Bool
    public let dryRun: Bool
}

/// Configuration items, their relations, import and export, and impact.
public struct InventoryService: Sendable {
    let store: Store
    let now: @Sendable () -> Date
    let gate: Gatekeeper

    public init(store: Store, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.now = millisecondClock(now)
        self.gate = Gatekeeper(store: store, now: now)
    }

    public static let pageLimit = 500

    public func list(type: CIType? = nil, team: String? = nil, tag: String? = nil, text: String? = nil, limit: Int? = nil,
                     after: String? = nil) async throws -> (items: [ConfigurationItem], next: String?) {
        try await gate.require(.inventoryRead)
        let size = limit ?? 100
        guard (1...Self.pageLimit).contains(size) else { throw ServiceError.badRequest([FieldError("limit", "must be from 1 to \(Self.pageLimit)")]) }
        return try await refusing {
            let items = try await store.withConnection { db in
                try await InventoryRepository(db).page(type: type, team: team, tag: tag, text: text, limit: size + 1, after: after?.lowercased())
            }
            let page = Array(items.prefix(size))
            return (page, items.count > size ? page.last?.key.text : nil)
        }
    }

    public func get(_ key: String) async throws -> ConfigurationItem {
        try await gate.require(.inventoryRead)
        return try await refusing { try await store.withConnection { db in try await Self.load(key, from: InventoryRepository(db)) } }
    }

    public func create(_ input: CIInput) async throws -> ConfigurationItem {
        try await gate.require(.inventoryManage)
        return try await refusing {
            let (key, fields) = try input.validate()
            return try await store.transaction { db in
                let repository = InventoryRepository(db)
                if try await repository.find(key) != nil { throw ServiceError.conflict("the item \(key) already exists; edit it instead") }
                try await Self.checkKnown(fields.dependsOn, in: repository)
                let item = ConfigurationItem(key: key, fields: fields, createdAt: now())
                try await repository.insert([item])
                try await repository.replaceRelations(of: [item])
                try await repository.bumpRevision()
                try await AuditLog.record(.itemCreate, target: "ci:\(key)", summary: Self.summary(fields), at: item.createdAt, in: db)
                return item
            }
        }
    }

    public func update(_ key: String, _ input: CIInput, precondition: RevisionPrecondition? = nil) async throws -> ConfigurationItem {
        try await gate.require(.inventoryManage)
        return try await refusing {
            var typed = input
            typed.key = key
            let (_, fields) = try typed.validate()
            return try await store.transaction { db in
                let repository = InventoryRepository(db)
                let current = try await Self.load(key, from: repository)
                if let precondition, !precondition.allows(current.revision) { throw ServiceError.stale(current: current.revision) }
                try await Self.checkKnown(fields.dependsOn, in: repository)
                var updated = current
                updated.fields = fields
                updated.updatedAt = max(now(), current.updatedAt)
                updated.revision += 1
                guard try await repository.update(updated, previousRevision: current.revision) else { throw ServiceError.stale(current: current.revision) }
                try await repository.replaceRelations(of: [updated])
                try await repository.bumpRevision()
                try await AuditLog.record(.itemUpdate, target: "ci:\(current.key)", summary: Self.summary(fields), at: updated.updatedAt, in: db)
                return updated
            }
        }
    }

    /// Refused while other items depend on it, changes name it or maintenance windows cover
    /// it: history and the graph would otherwise point at nothing.
    public func delete(_ key: String, precondition: RevisionPrecondition? = nil) async throws {
        try await gate.require(.inventoryManage)
        try await refusing {
            try await store.transaction { db in
                let repository = InventoryRepository(db)
                let current = try await Self.load(key, from: repository)
                if let precondition, !precondition.allows(current.revision) { throw ServiceError.stale(current: current.revision) }
                let references = try await repository.references(to: current.key)
                let windows = try await MaintenanceWindowRepository(db).naming(current.key)
                var reasons: [String] = []
                if !references.dependents.isEmpty { reasons.append("\(references.dependents.joined(separator: ", ")) depend on it") }
                if !references.changes.isEmpty { reasons.append("changes \(references.changes.map { "CHG-\($0)" }.joined(separator: ", ")) name it") }
                if !windows.isEmpty { reasons.append("the maintenance windows \(windows.joined(separator: ", ")) cover it") }
                guard reasons.isEmpty else { throw ServiceError.conflict("\(current.key) cannot be deleted: " + reasons.joined(separator: "; ")) }
                guard try await repository.delete(current) else { throw ServiceError.stale(current: current.revision) }
                try await repository.bumpRevision()
                try await AuditLog.record(.itemDelete, target: "ci:\(current.key)", summary: "\"\(current.fields.name)\" deleted", at: now(), in: db)
            }
        }
    }

    /// Upserts the file's items by key in one transaction. Unless `partial`, a file with any
    /// refused row imports nothing and the refusal lists every row with its line.
    public func importFile(_ data: Data, format: InventoryFormat, partial: Bool, dryRun: Bool) async throws -> InventoryImportReport {
        try await gate.require(.inventoryManage)
        return try await refusing {
            let rows = try InventoryFile.read(data, format: format)
            guard !rows.isEmpty else { throw ServiceError.invalid([FieldError("file", "holds no item")]) }
            return try await store.transaction { db in
                let repository = InventoryRepository(db)
                let keys = rows.compactMap { CIKey($0.input.key) }
                let present = try await repository.existing(keys)
                var stored: [CIKey: ConfigurationItem] = [:]
                if present.count > 50 {
                    for item in try await repository.all() where present.contains(item.key) { stored[item.key] = item }
                } else {
                    for key in present { if let item = try await repository.find(key) { stored[key] = item } }
                }
                let plan = InventoryImport.plan(rows, existing: stored.mapValues(\.fields))
                if !plan.rejected.isEmpty, !partial {
                    throw ServiceError.invalid(plan.errors)
                }
                guard !dryRun else { return InventoryImportReport(plan: plan, applied: false, dryRun: true) }
                let at = now()
                let created = plan.created.map { ConfigurationItem(key: $0.0, fields: $0.1, createdAt: at) }
                try await repository.insert(created)
                var updated: [ConfigurationItem] = []
                for (key, fields) in plan.updated {
                    guard var item = stored[key] else { continue }
                    let previous = item.revision
                    item.fields = fields
                    item.updatedAt = max(at, item.updatedAt)
                    item.revision += 1
                    guard try await repository.update(item, previousRevision: previous) else { throw ServiceError.stale(current: previous) }
                    updated.append(item)
                }
                try await repository.replaceRelations(of: created + updated)
                if !created.isEmpty || !updated.isEmpty { try await repository.bumpRevision() }
                try await AuditLog.record(.inventoryImport, target: "inventory", summary: """
                    \(format.rawValue) import: \(plan.created.count) created, \(plan.updated.count) updated, \
                    \(plan.unchanged.count) unchanged, \(plan.rejected.count) rejected\(partial ? " (partial)" : "")
                    """, at: at, in: db)
                return InventoryImportReport(plan: plan, applied: true, dryRun: false)
            }
        }
    }

    public func export(_ format: InventoryFormat) async throws -> String {
        try await gate.require(.inventoryRead)
        return try await refusing {
            let items = try await store.withConnection { db in try await InventoryRepository(db).all() }
            switch format {
            case .csv: return InventoryFile.csv(items)
            case .yaml: return InventoryFile.yaml(items)
            }
        }
    }

    /// Every item depending on `key`, directly or not, nearest first; `maxDepth` cuts the walk.
    public func impact(of key: String, maxDepth: Int? = nil) async throws -> (item: DependencyGraph.Node, impacted: [ImpactedItem]) {
        try await gate.require(.inventoryRead)
        return try await refusing {
            guard let parsed = CIKey(key) else { throw ServiceError.notFound("item \(key)") }
            let graph = try await store.withConnection { db in try await store.dependencyGraphs.graph(in: db) }
            guard let index = graph.index(of: parsed) else { throw ServiceError.notFound("item \(parsed)") }
            let impacted = Self.impacted(graph.impact(of: [index]), in: graph, maxDepth: maxDepth)
            return (graph.nodes[Int(index)], impacted)
        }
    }

    /// The union of the impacts of the items the release's changes modify.
    public func impact(ofRelease releaseKey: String) async throws -> ReleaseImpact {
        try await gate.require(.releaseRead, on: releaseKey)
        return try await refusing {
            try await store.withConnection { db in
                let release = try await ReleaseService.load(releaseKey, from: ReleaseRepository(db))
                let items = try await InventoryRepository(db).itemsByRelease(ids: [release.id])[release.id] ?? []
                let graph = try await store.dependencyGraphs.graph(in: db)
                let sources = items.compactMap(graph.index(of:))
                let walk = graph.impact(of: sources)
                let impacted = Self.impacted(walk, in: graph, maxDepth: nil).sorted {
                    let left = ($0.node.type == .service ? 0 : 1, $0.node.criticality, $0.depth, $0.node.key.text)
                    let right = ($1.node.type == .service ? 0 : 1, $1.node.criticality, $1.depth, $1.node.key.text)
                    return left < right
                }
                return ReleaseImpact(modified: sources.map { graph.nodes[Int($0)] }, impacted: impacted)
            }
        }
    }

    static func impacted(_ walk: Impact, in graph: DependencyGraph, maxDepth: Int?) -> [ImpactedItem] {
        (walk.sourceCount..<walk.order.count).compactMap { position in
            let depth = Int(walk.depths[position])
            if let maxDepth, depth > maxDepth { return nil }
            return ImpactedItem(node: graph.nodes[Int(walk.order[position])], depth: depth,
                                path: walk.path(to: position).map { graph.nodes[Int($0)].key })
        }
    }

    static func load(_ key: String, from repository: InventoryRepository) async throws -> ConfigurationItem {
        guard let parsed = CIKey(key), let item = try await repository.find(parsed) else { throw ServiceError.notFound("item \(key)") }
        return item
    }

    static func checkKnown(_ keys: [CIKey], in repository: InventoryRepository, field: String = "dependsOn") async throws {
        let known = try await repository.existing(keys)
        let unknown = keys.filter { !known.contains($0) }
        guard unknown.isEmpty else {
            throw ServiceError.invalid([FieldError(field, "names unknown items: \(unknown.map(\.text).joined(separator: ", "))")])
        }
    }

    private static func summary(_ fields: CIFields) -> String {
        "\"\(fields.name)\" (\(fields.type.rawValue), criticality \(fields.criticality)), depends on \(fields.dependsOn.count) item(s)"
    }
}
