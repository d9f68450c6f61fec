import BasculeCore
import BasculeStore
import Foundation

public struct EnvironmentService: Sendable {
    let store: Store
    let now: @Sendable () -> Date
    let gate: Gatekeeper

    public init(store: Store, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.now = now
        self.gate = Gatekeeper(store: store, now: now)
    }

    public func all() async throws -> [Environment] {
        try await gate.require(.environmentRead)
        return try await store.withConnection { try await EnvironmentRepository($0).all() }
    }

    public func list(limit: Int? = nil, cursor: String? = nil) async throws -> Page<Environment> {
        try await gate.require(.environmentRead)
        return try await refusing {
            let limit = try Paging.limit(limit)
            let after = try cursor.map { try PageCursor(token: $0) }
            let (items, next) = try await store.withConnection { db in
                try await EnvironmentRepository(db).page(limit: limit, after: after)
            }
            return Page(items: items, nextCursor: next?.token)
        }
    }

    /// Adds an environment; without an order it goes after the last one.
    public func create(name: String, kind: EnvironmentKind, order: Int? = nil) async throws -> Environment {
        try await gate.require(.environmentManage, on: "environment:\(name)")
        return try await refusing {
            let name = try Environment.validate(name: name, order: order)
            return try await store.transaction { db in
                let environments = EnvironmentRepository(db)
                if try await environments.named(name) != nil {
                    throw ServiceError.conflict("an environment named \(name) already exists")
                }
                let position: Int
                if let order { position = order } else { position = try await environments.nextPosition() }
                let environment = Environment(name: name, kind: kind, order: position)
                let at = now()
                try await environments.insert(environment, at: at)
                try await AuditLog.record(
                    .environmentCreate, target: "environment:\(name)", summary: "created \(name) (\(kind.rawValue), order \(position))", at: at, in: db)
                return environment
            }
        }
    }
}
