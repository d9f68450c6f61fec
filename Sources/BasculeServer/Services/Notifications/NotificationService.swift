import BasculeCore
import BasculeStore
import Foundation
import SQLKit

/// What each person does with notifications: their inbox, their subscriptions, their
/// language; and the stakeholders of a release.
public struct NotificationService: Sendable {
    let store: Store
    let now: @Sendable () -> Date
    let gate: Gatekeeper
    /// Rung after a write that calls for sending (a test): the sender looks at once.
    let ring: @Sendable () -> Void
    let smtp: SMTPSettings?

    init(store: Store, now: @escaping @Sendable () -> Date, smtp: SMTPSettings?, ring: @escaping @Sendable () -> Void) {
        self.store = store
        self.smtp = smtp
        self.now = millisecondClock(now)
        self.gate = Gatekeeper(store: store, now: now)
        self.ring = ring
    }

    // MARK: - The inbox

    public struct Inbox: Sendable {
        public let lines: [InboxLine]
        public let unread: Int
        public let nextCursor: String?
    }

    public func inbox(unreadOnly: Bool = false, limit: Int? = nil, cursor: String? = nil) async throws -> Inbox {
        try await gate.require(.notificationsOwn)
        let me = try gate.currentUser().username
        return try await refusing {
            let limit = try Paging.limit(limit)
            let before: Int64? = try cursor.map { token in
                guard case .sequence(let id) = try PageCursor(token: token) else { throw StoreError.invalidCursor }
                return Int64(id)
            }
            return try await store.withConnection { db in
                let inbox = InboxRepository(db)
                let (lines, next) = try await inbox.page(of: me, unreadOnly: unreadOnly, limit: limit, before: before)
                return Inbox(lines: lines, unread: try await inbox.unread(of: me), nextCursor: next.map { PageCursor.sequence(Int($0)).token })
            }
        }
    }

    /// How many lines of the inbox are unread, for the header of every page; 0 for those
    /// without an inbox.
    public func unread() async -> Int {
        guard case .user(let identity) = RequestOrigin.current.principal, identity.may(.notificationsOwn) else { return 0 }
        return (try? await store.withConnection { try await InboxRepository($0).unread(of: identity.username) }) ?? 0
    }

    /// Marks lines read (every line when `ids` is nil); how many changed.
    @discardableResult
    public func markRead(_ ids: [Int64]?) async throws -> Int {
        try await gate.require(.notificationsOwn)
        let me = try gate.currentUser().username
        guard (ids?.count ?? 0) <= 500 else { throw ServiceError.badRequest([FieldError("ids", "must list at most 500 lines")]) }
        return try await store.transaction { db in try await InboxRepository(db).markRead(of: me, ids: ids, at: now()) }
    }

    // MARK: - Subscriptions and settings

    public func subscriptions() async throws -> [Subscription] {
        try await gate.require(.notificationsOwn)
        let me = try gate.currentUser().username
        return try await store.withConnection { try await SubscriptionRepository($0).of(me) }
    }

    public func subscribe(scope: String, value: String, kinds: [String], channels: [String]) async throws -> Subscription {
        try await gate.require(.notificationsOwn)
        let me = try gate.currentUser().username
        return try await refusing {
            let scope = try SubscriptionScope.parse(kind: scope, value: value)
            let kinds = Set(try kinds.map { try NoticeKind.parse($0, field: "kinds") })
            var wanted: Set<NoticeChannel> = []
            for channel in channels {
                guard let parsed = NoticeChannel(rawValue: channel) else {
                    throw ServiceError.invalid([FieldError("channels", "\"\(channel)\" is not a channel (inbox, email)")])
                }
                wanted.insert(parsed)
            }
            let subscription = try Subscription(username: me, scope: scope, kinds: kinds, channels: wanted, createdAt: now())
            return try await store.transaction { db in
                if case .release(let key) = scope, try await ReleaseRepository(db).find(ReleaseKey(key)!) == nil {
                    throw ServiceError.invalid([FieldError("value", "there is no release \(key)")])
                }
                let subscriptions = SubscriptionRepository(db)
                guard try await subscriptions.count(of: me) < Subscription.maximumPerUser else {
                    throw ServiceError.conflict("\(me) already has \(Subscription.maximumPerUser) subscriptions; remove one first")
                }
                try await subscriptions.insert(subscription)
                try await AuditLog.record(.subscriptionCreate, target: "user:\(me)", summary: Self.describe(subscription), at: now(), in: db)
                return subscription
            }
        }
    }

    public func unsubscribe(_ id: String) async throws {
        try await gate.require(.notificationsOwn)
        let me = try gate.currentUser().username
        guard let uuid = UUID(uuidString: id) else { throw ServiceError.notFound("subscription \(id)") }
        try await store.transaction { db in
            guard try await SubscriptionRepository(db).delete(uuid, of: me) else { throw ServiceError.notFound("subscription \(id)") }
            try await AuditLog.record(.subscriptionDelete, target: "user:\(me)", summary: "unsubscribed \(id.lowercased())", at: now(), in: db)
        }
    }

    /// The language of one's e-mails (the pages follow the browser).
    public func language() async throws -> String {
        try await gate.require(.notificationsOwn)
        let me = try gate.currentUser().username
        return try await store.withConnection { try await SubscriptionRepository($0).language(of: me) } ?? "en"
    }

    public func setLanguage(_ language: String) async throws {
        try await gate.require(.notificationsOwn)
        let me = try gate.currentUser().username
        guard ["en", "fr"].contains(language) else { throw ServiceError.invalid([FieldError("language", "must be en or fr")]) }
        try await store.transaction { db in try await SubscriptionRepository(db).setLanguage(language, of: me) }
    }

    /// What a test found on each channel.
    public struct TestResult: Sendable {
        /// The address e-mail goes to, nil when the account has none.
        public let address: String?
        public let email: EmailCheck
    }

    public enum EmailCheck: Sendable, Equatable {
        /// The server was reached and took the login: the message goes within a minute.
        case ready(String)
        /// No SMTP server is configured.
        case off
        /// The message waits; why it cannot go now.
        case failing(String)
    }

    /// Sends a test notice to oneself on every channel, and checks at once that the SMTP
    /// server is reachable and takes the login: a failure is said now, and the message waits.
    public func test() async throws -> TestResult {
        try await gate.require(.notificationsOwn)
        let me = try gate.currentUser().username
        let address = try await store.transaction { db -> String? in
            try await Notices.record(Notice(kind: .test, at: now(), actor: me, release: nil, addressee: me), in: db)
            try await AuditLog.record(.notifyTest, target: "user:\(me)", summary: "asked for a test notification", at: now(), in: db)
            return try await UserRepository(db).named(me).map(\.email).flatMap { EmailAddress.isValid($0) ? $0 : nil }
        }
        ring()
        guard let smtp else { return TestResult(address: address, email: .off) }
        do {
            try await SMTPClient(settings: smtp).check()
            return TestResult(address: address, email: .ready(smtp.endpoint))
        } catch {
            return TestResult(address: address, email: .failing(String(describing: error)))
        }
    }

    // MARK: - Stakeholders

    public func stakeholders(of key: String) async throws -> [Stakeholder] {
        try await gate.require(.releaseRead, on: key)
        return try await refusing {
            try await store.withConnection { db in
                try await StakeholderRepository(db).of(try await ReleaseService.load(key, from: ReleaseRepository(db)))
            }
        }
    }

    /// Adds a party to the release; users and teams must exist.
    @discardableResult
    public func addStakeholder(to key: String, kind: String, name: String, language: String?) async throws -> Stakeholder {
        try await gate.require(.releaseEdit, on: key)
        return try await refusing {
            let party = try StakeholderParty.parse(kind: kind, name: name, language: language ?? "en")
            return try await store.transaction { db in
                let release = try await ReleaseService.load(key, from: ReleaseRepository(db))
                switch party {
                case .user(let username):
                    guard try await UserRepository(db).named(username) != nil else { throw ServiceError.invalid([FieldError("name", "there is no user \(username)")]) }
                case .team(let team):
                    guard try await TeamRepository(db).named(team) != nil else { throw ServiceError.invalid([FieldError("name", "there is no team \(team)")]) }
                case .address: break
                }
                let stakeholder = Stakeholder(release: release.key.description, party: party, addedBy: RequestOrigin.current.actor, addedAt: now())
                guard try await StakeholderRepository(db).add(stakeholder, to: release) else {
                    throw ServiceError.conflict("\(party.kind) \(party.name) is already a stakeholder of \(release.key)")
                }
                try await AuditLog.record(.stakeholderAdd, target: release.key.description, summary: "stakeholder added: \(party.kind) \(party.name)", at: now(), in: db)
                return stakeholder
            }
        }
    }

    public func removeStakeholder(from key: String, kind: String, name: String) async throws {
        try await gate.require(.releaseEdit, on: key)
        try await refusing {
            try await store.transaction { db in
                let release = try await ReleaseService.load(key, from: ReleaseRepository(db))
                let name = kind == "address" ? name.lowercased() : name
                guard try await StakeholderRepository(db).remove(kind: kind, name: name, from: release) else {
                    throw ServiceError.notFound("stakeholder \(kind) \(name) of \(release.key)")
                }
                try await AuditLog.record(.stakeholderRemove, target: release.key.description, summary: "stakeholder removed: \(kind) \(name)", at: now(), in: db)
            }
        }
    }

    static func describe(_ subscription: Subscription) -> String {
        let scope = subscription.scope == .everything ? "everything" : "\(subscription.scope.kind) \(subscription.scope.value)"
        let kinds = subscription.kinds.isEmpty ? "every event" : subscription.kinds.map(\.rawValue).sorted().joined(separator: ", ")
        return "subscribed to \(scope) (\(kinds)) by \(subscription.channels.sorted().map(\.rawValue).joined(separator: ", "))"
    }
}
