import BasculeCore
import Foundation
import SQLKit

/// Webhook endpoints. Their keyring is stored sealed by the services (the vault), never in clear.
public struct WebhookRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    private static let columns = "id, name, url, kinds, format, owner, enabled, disabled_reason, failing_since, last_success_at, created_at"

    public func insert(_ endpoint: WebhookEndpoint, sealedKeyring: String) async throws {
        try await db.raw("""
            INSERT INTO webhooks (id, name, url, kinds, format, keyring, owner, enabled, disabled_reason, failing_since, last_success_at, created_at)
            VALUES (\(bind: endpoint.id.uuidString), \(bind: endpoint.name), \(bind: endpoint.url), \(bind: Self.kinds(endpoint.kinds)),
                    \(bind: endpoint.format.rawValue), \(bind: sealedKeyring), \(bind: endpoint.owner), \(bind: endpoint.enabled ? 1 : 0),
                    NULL, NULL, NULL, \(bind: Columns.millis(endpoint.createdAt)))
            """).run()
    }

    /// Saves what a person may change: name, URL, kinds, format, enabled (which clears the
    /// reason and the failing streak when switched back on).
    public func update(_ endpoint: WebhookEndpoint) async throws {
        try await db.raw("""
            UPDATE webhooks SET name = \(bind: endpoint.name), url = \(bind: endpoint.url), kinds = \(bind: Self.kinds(endpoint.kinds)),
                format = \(bind: endpoint.format.rawValue), enabled = \(bind: endpoint.enabled ? 1 : 0),
                disabled_reason = \(bind: endpoint.disabledReason), failing_since = \(bind: endpoint.failingSince.map(Columns.millis))
            WHERE id = \(bind: endpoint.id.uuidString)
            """).run()
    }

    public func setKeyring(_ sealed: String, of id: UUID) async throws {
        try await db.raw("UPDATE webhooks SET keyring = \(bind: sealed) WHERE id = \(bind: id.uuidString)").run()
    }

    public func keyring(of id: UUID) async throws -> String? {
        try await db.raw("SELECT keyring FROM webhooks WHERE id = \(bind: id.uuidString)").first()?.decode(column: "keyring", as: String.self)
    }

    public func find(_ id: UUID) async throws -> WebhookEndpoint? {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM webhooks WHERE id = \(bind: id.uuidString)").first().map(Self.endpoint)
    }

    public func all() async throws -> [WebhookEndpoint] {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM webhooks ORDER BY name, id").all().map(Self.endpoint)
    }

    /// A delivery got through: the failing streak ends.
    public func succeeded(_ id: UUID, at: Date) async throws {
        try await db.raw("""
            UPDATE webhooks SET failing_since = NULL, last_success_at = \(bind: Columns.millis(at)) WHERE id = \(bind: id.uuidString)
            """).run()
    }

    /// A delivery failed: the streak starts now unless it had already.
    public func failed(_ id: UUID, at: Date) async throws {
        try await db.raw("""
            UPDATE webhooks SET failing_since = COALESCE(failing_since, \(bind: Columns.millis(at))) WHERE id = \(bind: id.uuidString)
            """).run()
    }

    /// Switches off an endpoint still enabled; false when someone already had.
    public func disable(_ id: UUID, reason: String) async throws -> Bool {
        !(try await db.raw("""
            UPDATE webhooks SET enabled = 0, disabled_reason = \(bind: reason) WHERE id = \(bind: id.uuidString) AND enabled = 1 RETURNING id
            """).all()).isEmpty
    }

    public func delete(_ id: UUID) async throws -> Bool {
        try await db.raw("DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE webhook_id = \(bind: id.uuidString))").run()
        try await db.raw("DELETE FROM deliveries WHERE webhook_id = \(bind: id.uuidString)").run()
        return !(try await db.raw("DELETE FROM webhooks WHERE id = \(bind: id.uuidString) RETURNING id").all()).isEmpty
    }

    private static func kinds(_ kinds: Set<NoticeKind>) -> String { Columns.json(kinds.map(\.rawValue).sorted()) }

    private static func endpoint(_ row: any SQLRow) throws -> WebhookEndpoint {
        guard let id = UUID(uuidString: try row.decode(column: "id", as: String.self)),
              let format = WebhookFormat(rawValue: try row.decode(column: "format", as: String.self)) else { throw StoreError.corruptRow("webhook") }
        return try WebhookEndpoint(
            id: id, name: try row.decode(column: "name", as: String.self), url: try row.decode(column: "url", as: String.self),
            kinds: Set(try Columns.list(try row.decode(column: "kinds", as: String.self)).compactMap(NoticeKind.init(rawValue:))),
            format: format, owner: try row.decode(column: "owner", as: String.self), enabled: try row.decode(column: "enabled", as: Int.self) == 1,
            disabledReason: try row.decode(column: "disabled_reason", as: String?.self),
            failingSince: try row.decode(column: "failing_since", as: Int64?.self).map(Columns.date),
            lastSuccessAt: try row.decode(column: "last_success_at", as: Int64?.self).map(Columns.date),
            createdAt: Columns.date(try row.decode(column: "created_at", as: Int64.self)))
    }
}
