import BasculeCore
import Foundation
import SQLKit

/// People's subscriptions, and the accounts' settings notices need (language, address).
public struct SubscriptionRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    private static let columns = "id, username, scope, scope_value, kinds, channels, created_at"

    public func insert(_ subscription: Subscription) async throws {
        do {
            try await db.raw("""
                INSERT INTO subscriptions (id, username, scope, scope_value, kinds, channels, created_at)
                VALUES (\(bind: subscription.id.uuidString), \(bind: subscription.username), \(bind: subscription.scope.kind),
                        \(bind: subscription.scope.value), \(bind: Columns.json(subscription.kinds.map(\.rawValue).sorted())),
                        \(bind: Columns.json(subscription.channels.map(\.rawValue).sorted())), \(bind: Columns.millis(subscription.createdAt)))
                """).run()
        } catch where Store.isUniqueViolation(error) {
            throw StoreError.duplicate("a subscription of \(subscription.username) to \(subscription.scope.kind) \(subscription.scope.value)")
        }
    }

    /// Removes one of `username`'s subscriptions; false when they have none with this id.
    public func delete(_ id: UUID, of username: String) async throws -> Bool {
        !(try await db.raw("DELETE FROM subscriptions WHERE id = \(bind: id.uuidString) AND username = \(bind: username) RETURNING id").all()).isEmpty
    }

    public func of(_ username: String) async throws -> [Subscription] {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM subscriptions WHERE username = \(bind: username) ORDER BY created_at, id")
            .all().map(Self.subscription)
    }

    public func count(of username: String) async throws -> Int {
        try await db.raw("SELECT COUNT(*) AS n FROM subscriptions WHERE username = \(bind: username)").first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// Every subscription: handing out reads them once per batch of notices.
    public func all() async throws -> [Subscription] {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM subscriptions").all().map(Self.subscription)
    }

    /// Everyone that routing may address, with their language and whether they may sign in.
    public func people() async throws -> [String: Recipients.Person] {
        let rows = try await db.raw("SELECT username, email, language, disabled_at FROM users").all()
        var people: [String: Recipients.Person] = [:]
        for row in rows {
            let username = try row.decode(column: "username", as: String.self)
            people[username] = Recipients.Person(
                username: username, email: try row.decode(column: "email", as: String.self),
                language: try row.decode(column: "language", as: String.self), active: try row.decode(column: "disabled_at", as: Int64?.self) == nil)
        }
        return people
    }

    public func language(of username: String) async throws -> String? {
        try await db.raw("SELECT language FROM users WHERE username = \(bind: username)").first()?.decode(column: "language", as: String.self)
    }

    public func setLanguage(_ language: String, of username: String) async throws {
        try await db.raw("UPDATE users SET language = \(bind: language) WHERE username = \(bind: username)").run()
    }

    private static func subscription(_ row: any SQLRow) throws -> Subscription {
        guard let id = UUID(uuidString: try row.decode(column: "id", as: String.self)) else { throw StoreError.corruptRow("subscription id") }
        let scope = try SubscriptionScope.parse(kind: try row.decode(column: "scope", as: String.self), value: try row.decode(column: "scope_value", as: String.self))
        return try Subscription(
            id: id, username: try row.decode(column: "username", as: String.self), scope: scope,
            kinds: Set(try Columns.list(try row.decode(column: "kinds", as: String.self)).compactMap(NoticeKind.init(rawValue:))),
            channels: Set(try Columns.list(try row.decode(column: "channels", as: String.self)).compactMap(NoticeChannel.init(rawValue:))),
            createdAt: Columns.date(try row.decode(column: "created_at", as: Int64.self)))
    }
}
