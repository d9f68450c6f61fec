import BasculeCore
import BasculeStore
import Foundation
import SQLKit

/// Webhook endpoints and their deliveries: add, change, rotate the secret, remove; read the
/// delivery log and replay a delivery.
public struct WebhookService: Sendable {
    let store: Store
    let now: @Sendable () -> Date
    let gate: Gatekeeper
    let vault: SecretVault
    let ring: @Sendable () -> Void

    init(store: Store, now: @escaping @Sendable () -> Date, vault: SecretVault, ring: @escaping @Sendable () -> Void) {
        self.store = store
        self.now = millisecondClock(now)
        self.gate = Gatekeeper(store: store, now: now)
        self.vault = vault
        self.ring = ring
    }

    public func list() async throws -> [WebhookEndpoint] {
        try await gate.require(.webhookManage)
        return try await store.withConnection { try await WebhookRepository($0).all() }
    }

    public func get(_ id: String) async throws -> WebhookEndpoint {
        try await gate.require(.webhookManage)
        return try await store.withConnection { db in try await Self.load(id, from: WebhookRepository(db)) }
    }

    /// Adds an endpoint with `secret`, or a new one; the secret is answered this once.
    public func create(name: String, url: String, kinds: [String], format: String?, secret: String?) async throws -> (WebhookEndpoint, String) {
        try await gate.require(.webhookManage)
        return try await refusing {
            let endpoint = try WebhookEndpoint(name: name, url: url, kinds: try Self.kinds(kinds), format: try Self.format(format),
                                               owner: RequestOrigin.current.actor, createdAt: now())
            let key = try secret.map(WebhookSecret.init) ?? WebhookSecret.generate()
            let sealed = try WebhookKeys.seal(WebhookKeyring(current: key), of: endpoint.id, vault: vault)
            try await store.transaction { db in
                try await WebhookRepository(db).insert(endpoint, sealedKeyring: sealed)
                try await AuditLog.record(.webhookCreate, target: "webhook:\(endpoint.name)",
                                          summary: "added \(endpoint.url) for \(Self.describe(endpoint.kinds)) (\(endpoint.format.rawValue))", at: now(), in: db)
            }
            return (endpoint, key.text)
        }
    }

    public struct Changes: Sendable {
        public var name: String?
        public var url: String?
        public var kinds: [String]?
        public var format: String?
        public var enabled: Bool?

        public init(name: String? = nil, url: String? = nil, kinds: [String]? = nil, format: String? = nil, enabled: Bool? = nil) {
            self.name = name
            self.url = url
            self.kinds = kinds
            self.format = format
            self.enabled = enabled
        }
    }

    public func update(_ id: String, _ changes: Changes) async throws -> WebhookEndpoint {
        try await gate.require(.webhookManage)
        return try await refusing {
            let updated = try await store.transaction { db -> WebhookEndpoint in
                let webhooks = WebhookRepository(db)
                let current = try await Self.load(id, from: webhooks)
                let enabled = changes.enabled ?? current.enabled
                let updated = try WebhookEndpoint(
                    id: current.id, name: changes.name ?? current.name, url: changes.url ?? current.url,
                    kinds: try changes.kinds.map(Self.kinds) ?? current.kinds, format: try changes.format.map { try Self.format($0) } ?? current.format,
                    owner: current.owner, enabled: enabled, disabledReason: enabled ? nil : current.disabledReason,
                    failingSince: enabled && !current.enabled ? nil : current.failingSince, lastSuccessAt: current.lastSuccessAt, createdAt: current.createdAt)
                try await webhooks.update(updated)
                try await AuditLog.record(.webhookUpdate, target: "webhook:\(updated.name)", summary: Self.difference(current, updated), at: now(), in: db)
                return updated
            }
            if updated.enabled { ring() }
            return updated
        }
    }

    /// A new current secret (given, or made); the previous one keeps signing for a day.
    public func rotate(_ id: String, secret: String?) async throws -> String {
        try await gate.require(.webhookManage)
        return try await refusing {
            let next = try secret.map(WebhookSecret.init) ?? WebhookSecret.generate()
            try await store.transaction { db in
                let webhooks = WebhookRepository(db)
                let endpoint = try await Self.load(id, from: webhooks)
                guard let sealed = try await webhooks.keyring(of: endpoint.id) else { throw ServiceError.notFound("webhook \(id)") }
                var keyring = try WebhookKeys.open(sealed, of: endpoint.id, vault: vault)
                keyring.rotate(to: next, at: now())
                try await webhooks.setKeyring(try WebhookKeys.seal(keyring, of: endpoint.id, vault: vault), of: endpoint.id)
                try await AuditLog.record(.webhookRotate, target: "webhook:\(endpoint.name)",
                                          summary: "new signing secret; the previous one signs too for \(Int(WebhookKeyring.rotationOverlap / 3600)) h", at: now(), in: db)
            }
            return next.text
        }
    }

    public func delete(_ id: String) async throws {
        try await gate.require(.webhookManage)
        try await refusing {
            try await store.transaction { db in
                let webhooks = WebhookRepository(db)
                let endpoint = try await Self.load(id, from: webhooks)
                _ = try await webhooks.delete(endpoint.id)
                try await AuditLog.record(.webhookDelete, target: "webhook:\(endpoint.name)", summary: "removed \(endpoint.url) and its deliveries", at: now(), in: db)
            }
        }
    }

    public func deliveries(of id: String, state: String?, limit: Int?, cursor: String?) async throws -> Page<Delivery> {
        try await gate.require(.webhookManage)
        return try await refusing {
            let limit = try Paging.limit(limit)
            let state = try state.map { text -> Delivery.State in
                guard let state = Delivery.State(rawValue: text) else {
                    throw ServiceError.badRequest([FieldError("state", "must be one of: pending, delivered, failed")])
                }
                return state
            }
            let before: (Int64, String)? = try cursor.map { token in
                guard case .position(let at, let last) = try PageCursor(token: token) else { throw StoreError.invalidCursor }
                return (Int64(at), last)
            }
            return try await store.withConnection { db in
                let endpoint = try await Self.load(id, from: WebhookRepository(db))
                let (items, next) = try await DeliveryRepository(db).of(webhook: endpoint.id, state: state, limit: limit, before: before)
                return Page(items: items, nextCursor: next.map { PageCursor.position(Int($0.0), $0.1).token })
            }
        }
    }

    public func delivery(_ deliveryID: String, of id: String) async throws -> (Delivery, [DeliveryAttempt]) {
        try await gate.require(.webhookManage)
        return try await refusing {
            try await store.withConnection { db in
                let endpoint = try await Self.load(id, from: WebhookRepository(db))
                let deliveries = DeliveryRepository(db)
                guard let delivery = try await deliveries.find(deliveryID), delivery.webhookID == endpoint.id else {
                    throw ServiceError.notFound("delivery \(deliveryID) of webhook \(id)")
                }
                return (delivery, try await deliveries.attempts(of: delivery.id))
            }
        }
    }

    /// Sends a delivery again, under the same `webhook-id`, with a fresh retry plan.
    public func replay(_ deliveryID: String, of id: String) async throws {
        try await gate.require(.webhookManage)
        try await refusing {
            try await store.transaction { db in
                let endpoint = try await Self.load(id, from: WebhookRepository(db))
                let deliveries = DeliveryRepository(db)
                guard let delivery = try await deliveries.find(deliveryID), delivery.webhookID == endpoint.id else {
                    throw ServiceError.notFound("delivery \(deliveryID) of webhook \(id)")
                }
                guard delivery.state != .pending else { throw ServiceError.conflict("delivery \(deliveryID) is still being tried; it cannot be replayed now") }
                _ = try await deliveries.replay(delivery.id, at: now())
                try await AuditLog.record(.deliveryReplay, target: "webhook:\(endpoint.name)",
                                          summary: "replayed \(delivery.id) (\(delivery.notice.kind.rawValue), was \(delivery.state.rawValue))", at: now(), in: db)
            }
        }
        ring()
    }

    // MARK: - Steps shared by the use cases

    static func load(_ id: String, from webhooks: WebhookRepository) async throws -> WebhookEndpoint {
        guard let uuid = UUID(uuidString: id), let endpoint = try await webhooks.find(uuid) else { throw ServiceError.notFound("webhook \(id)") }
        return endpoint
    }

    static func kinds(_ names: [String]) throws -> Set<NoticeKind> {
        Set(try names.filter { $0 != "*" }.map { try NoticeKind.parse($0, field: "kinds") })
    }

    static func format(_ text: String?) throws -> WebhookFormat {
        guard let text else { return .standard }
        guard let format = WebhookFormat(rawValue: text) else { throw ServiceError.invalid([FieldError("format", "must be standard or slack")]) }
        return format
    }

    static func describe(_ kinds: Set<NoticeKind>) -> String {
        kinds.isEmpty ? "every event" : kinds.map(\.rawValue).sorted().joined(separator: ", ")
    }

    static func difference(_ old: WebhookEndpoint, _ new: WebhookEndpoint) -> String {
        var parts: [String] = []
        if old.name != new.name { parts.append("name: \(old.name) → \(new.name)") }
        if old.url != new.url { parts.append("url: \(old.url) → \(new.url)") }
        if old.kinds != new.kinds { parts.append("kinds: \(describe(old.kinds)) → \(describe(new.kinds))") }
        if old.format != new.format { parts.append("format: \(old.format.rawValue) → \(new.format.rawValue)") }
        if old.enabled != new.enabled { parts.append(new.enabled ? "enabled" : "disabled") }
        return parts.isEmpty ? "no change" : parts.joined(separator: "; ")
    }
}
