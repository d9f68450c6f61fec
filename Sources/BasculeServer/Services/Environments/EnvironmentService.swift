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

    /// `name` now mirrors `target` (nil: none). Refused: an unknown environment (404), itself or a
    /// loop of mirrors (422, named).
    public func setMirror(of name: String, to target: String?) async throws -> Environment {
        try await gate.require(.environmentManage, on: "environment:\(name)")
        return try await refusing {
            try await store.transaction { db in
                let environments = EnvironmentRepository(db)
                let all = try await environments.all()
                guard var environment = all.first(where: { $0.name == name }) else { throw ServiceError.notFound("environment \(name)") }
                let target = target.flatMap { $0.isEmpty ? nil : $0 }
                if let target { try Environment.validateMirror(target, of: environment, among: all) }
                try await environments.setMirror(of: name, to: target)
                environment.mirrors = target
                try await AuditLog.record(.environmentMirror, target: "environment:\(name)",
                                          summary: target.map { "\(name) mirrors \($0)" } ?? "\(name) mirrors nothing", at: now(), in: db)
                return environment
            }
        }
    }

    /// `name` was refreshed from what it mirrors, at `at` (default now). Refused: an unknown
    /// environment (404), one that mirrors nothing or a date in the future (422).
    public func refresh(_ name: String, at: Date? = nil) async throws -> Environment {
        try await gate.require(.environmentManage, on: "environment:\(name)")
        return try await refusing {
            try await store.transaction { db in
                let environments = EnvironmentRepository(db)
                guard var environment = try await environments.named(name) else { throw ServiceError.notFound("environment \(name)") }
                let current = now(), when = at ?? current
                guard let mirrors = environment.mirrors else {
                    throw ServiceError.invalid([FieldError("environment", "\(name) mirrors no environment: say which one first")])
                }
                guard when <= current.addingTimeInterval(60) else { throw ServiceError.invalid([FieldError("at", "must not be in the future")]) }
                try await environments.refreshed(name, at: when)
                environment.refreshedAt = when
                try await AuditLog.record(.environmentRefresh, target: "environment:\(name)", summary: "\(name) refreshed from \(mirrors)",
                                          at: current, in: db)
                return environment
            }
        }
    }
}
