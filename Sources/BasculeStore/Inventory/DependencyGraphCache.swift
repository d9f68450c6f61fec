import BasculeCore
import SQLKit

/// The dependency graph kept in memory between requests: reading 200,000 relations for every
/// conflict check would cost far more than the check. Each use compares the stored inventory
/// revision (one row) and rebuilds when another request or server changed the inventory.
/// Do not call it inside a transaction that wrote the inventory: it would keep what may be
/// rolled back.
public actor DependencyGraphCache {
    private var cached: (revision: Int, graph: DependencyGraph)?

    public init() {}

    public func graph(in db: any SQLDatabase) async throws -> DependencyGraph {
        let repository = InventoryRepository(db)
        let revision = try await repository.revision()
        if let cached, cached.revision == revision { return cached.graph }
        let graph = try await repository.graph()
        cached = (revision, graph)
        return graph
    }
}
