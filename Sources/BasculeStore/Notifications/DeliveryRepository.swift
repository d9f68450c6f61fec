import BasculeCore
import Foundation
import SQLKit

/// A delivery to write when a notice is handed out.
public struct NewDelivery: Sendable {
    public let channel: Delivery.Channel
    public let target: String
    public let webhookID: UUID?
    public let username: String?
    public let language: String
    /// When it is first tried: e-mail waits a little so that a burst goes out as one message.
    public let firstAt: Date

    public init(channel: Delivery.Channel, target: String, webhookID: UUID?, username: String?, language: String, firstAt: Date) {
        self.channel = channel
        self.target = target
        self.webhookID = webhookID
        self.username = username
        self.language = language
        self.firstAt = firstAt
    }
}

/// A replica's hold on a delivery while it tries it: the end of the try is refused when the
/// fence moved (the lease ran out and another replica took the delivery).
public struct DeliveryLease: Sendable {
    public let delivery: Delivery
    public let fence: Int64
}

/// The outbox of deliveries and their log. Deliveries are written in the transaction that hands
/// a notice out, leased by replicas to be tried, and ended under their fence.
public struct DeliveryRepository: Sendable {
    let db: any SQLDatabase

    public init(_ db: any SQLDatabase) {
        self.db = db
    }

    private static let columns = """
        id, event_id, channel, target, webhook_id, username, language, notice, state, attempts, replayed_after, next_at,
        last_status, last_answer, last_at, created_at, delivered_at
        """

    /// Writes deliveries; one per event, channel and receiver, whatever is written twice.
    public func insert(eventID: Int64, stored notice: String, kind: NoticeKind, _ deliveries: [NewDelivery], at: Date) async throws {
        guard !deliveries.isEmpty else { return }
        for chunk in stride(from: 0, to: deliveries.count, by: 200).map({ Array(deliveries[$0..<min($0 + 200, deliveries.count)]) }) {
            let rows = chunk.map { delivery -> SQLQueryString in
                """
                (\(bind: Delivery.newID()), \(bind: eventID), \(bind: delivery.channel.rawValue), \(bind: delivery.target),
                 \(bind: delivery.webhookID?.uuidString), \(bind: delivery.username), \(bind: delivery.language), \(bind: kind.rawValue),
                 \(bind: notice), 'pending', \(bind: Columns.millis(delivery.firstAt)), \(bind: Columns.millis(at)))
                """
            }
            try await db.raw("""
                INSERT INTO deliveries (id, event_id, channel, target, webhook_id, username, language, kind, notice, state, next_at, created_at)
                VALUES
                """ + rows.joined(separator: ", ") + " ON CONFLICT DO NOTHING").run()
        }
    }

    /// Leases up to `limit` deliveries of `channel` due at `now` whose endpoint (if any) is
    /// enabled and that nobody holds (or whose holder's lease ran out), oldest due first.
    /// `target`: one receiver's only (so that each gets its share of the sends at once).
    public func claim(_ channel: Delivery.Channel, as holder: String, at now: Date, for duration: TimeInterval, limit: Int,
                      target: String? = nil) async throws -> [DeliveryLease] {
        let skipLocked = db.dialect.name == "postgresql" ? " FOR UPDATE SKIP LOCKED" : ""
        let at = Columns.millis(now)
        let busy: SQLQueryString = target.map { " AND target = \(bind: $0)" } ?? ""
        let rows = try await db.raw("""
            UPDATE deliveries SET holder = \(bind: holder), lease_until = \(bind: Columns.millis(now.addingTimeInterval(duration))), fence = fence + 1
            WHERE id IN (SELECT id FROM deliveries WHERE state = 'pending' AND channel = \(bind: channel.rawValue) AND next_at <= \(bind: at)
                           AND (lease_until IS NULL OR lease_until < \(bind: at))\(busy)
                           AND (webhook_id IS NULL OR webhook_id IN (SELECT id FROM webhooks WHERE enabled = 1))
                         ORDER BY next_at LIMIT \(bind: limit)\(unsafeRaw: skipLocked))
            RETURNING \(unsafeRaw: Self.columns), fence
            """).all()
        return try rows.map { DeliveryLease(delivery: try Self.delivery($0), fence: try $0.decode(column: "fence", as: Int64.self)) }
    }

    /// The receivers with deliveries due at `now` that nobody holds, the longest waiting first.
    public func dueTargets(_ channel: Delivery.Channel, at now: Date, limit: Int) async throws -> [String] {
        let at = Columns.millis(now)
        return try await db.raw("""
            SELECT target, MIN(next_at) AS due FROM deliveries
            WHERE state = 'pending' AND channel = \(bind: channel.rawValue) AND next_at <= \(bind: at) AND (lease_until IS NULL OR lease_until < \(bind: at))
              AND (webhook_id IS NULL OR webhook_id IN (SELECT id FROM webhooks WHERE enabled = 1))
            GROUP BY target ORDER BY due LIMIT \(bind: limit)
            """).all().map { try $0.decode(column: "target", as: String.self) }
    }

    /// Leases e-mail due at `now` and, with each, every other e-mail waiting for the same
    /// address: a burst of events to one person goes out as one message.
    public func claimMail(as holder: String, at now: Date, for duration: TimeInterval, limit: Int) async throws -> [DeliveryLease] {
        let due = try await claim(.email, as: holder, at: now, for: duration, limit: limit)
        let targets = Set(due.map(\.delivery.target))
        guard !targets.isEmpty else { return [] }
        let skipLocked = db.dialect.name == "postgresql" ? " FOR UPDATE SKIP LOCKED" : ""
        let at = Columns.millis(now)
        let list = targets.sorted().map { "\(bind: $0)" as SQLQueryString }.joined(separator: ", ")
        let rows = try await db.raw("""
            UPDATE deliveries SET holder = \(bind: holder), lease_until = \(bind: Columns.millis(now.addingTimeInterval(duration))), fence = fence + 1
            WHERE id IN (SELECT id FROM deliveries WHERE state = 'pending' AND channel = 'email' AND target IN (\(list))
                           AND (lease_until IS NULL OR lease_until < \(bind: at))\(unsafeRaw: skipLocked))
            RETURNING \(unsafeRaw: Self.columns), fence
            """).all()
        return due + (try rows.map { DeliveryLease(delivery: try Self.delivery($0), fence: try $0.decode(column: "fence", as: Int64.self)) })
    }

    /// Ends a try under its lease: delivered, due again at `retryAt`, or given up (`retryAt`
    /// nil after a failure). False, and nothing written, when the lease was lost.
    public func finish(_ lease: DeliveryLease, result: DeliveryResult, retryAt: Date?, at now: Date) async throws -> Bool {
        let state: Delivery.State = result.succeeded ? .delivered : (retryAt == nil ? .failed : .pending)
        let at = Columns.millis(now)
        let rows = try await db.raw("""
            UPDATE deliveries SET state = \(bind: state.rawValue), attempts = attempts + 1, holder = NULL, lease_until = NULL,
                next_at = \(bind: Columns.millis(retryAt ?? now)), last_status = \(bind: result.status.map(Int64.init)),
                last_answer = \(bind: result.answer), last_at = \(bind: at),
                delivered_at = \(bind: result.succeeded ? at : nil)
            WHERE id = \(bind: lease.delivery.id) AND fence = \(bind: lease.fence) RETURNING attempts
            """).all()
        guard let number = try rows.first?.decode(column: "attempts", as: Int64.self) else { return false }
        try await db.raw("""
            INSERT INTO delivery_attempts (delivery_id, number, at, status, answer, millis)
            VALUES (\(bind: lease.delivery.id), \(bind: number), \(bind: at), \(bind: result.status.map(Int64.init)), \(bind: result.answer),
                    \(bind: Int64(result.millis)))
            """).run()
        return true
    }

    /// Lets go of leases without a try, due again at `dueAt`.
    public func release(_ leases: [DeliveryLease], dueAt: Date) async throws {
        for lease in leases {
            try await db.raw("""
                UPDATE deliveries SET holder = NULL, lease_until = NULL, next_at = \(bind: Columns.millis(dueAt))
                WHERE id = \(bind: lease.delivery.id) AND fence = \(bind: lease.fence)
                """).run()
        }
    }

    public func find(_ id: String) async throws -> Delivery? {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM deliveries WHERE id = \(bind: id)").first().map(Self.delivery)
    }

    /// An endpoint's deliveries, newest first; `before` is the creation time and id the previous page ended at.
    public func of(webhook id: UUID, state: Delivery.State?, limit: Int, before: (Int64, String)?) async throws -> (items: [Delivery], next: (Int64, String)?) {
        var sql: SQLQueryString = "SELECT \(unsafeRaw: Self.columns) FROM deliveries WHERE webhook_id = \(bind: id.uuidString)"
        if let state { sql = sql + " AND state = \(bind: state.rawValue)" }
        if let (at, last) = before { sql = sql + " AND (created_at < \(bind: at) OR (created_at = \(bind: at) AND id < \(bind: last)))" }
        sql = sql + " ORDER BY created_at DESC, id DESC LIMIT \(bind: limit + 1)"
        let items = try await db.raw(sql).all().map(Self.delivery)
        guard items.count > limit, let last = items.prefix(limit).last else { return (items, nil) }
        return (Array(items.prefix(limit)), (Columns.millis(last.createdAt), last.id))
    }

    public func attempts(of id: String) async throws -> [DeliveryAttempt] {
        try await db.raw("SELECT number, at, status, answer, millis FROM delivery_attempts WHERE delivery_id = \(bind: id) ORDER BY number").all().map { row in
            DeliveryAttempt(number: try row.decode(column: "number", as: Int.self), at: Columns.date(try row.decode(column: "at", as: Int64.self)),
                            status: try row.decode(column: "status", as: Int?.self), answer: try row.decode(column: "answer", as: String.self),
                            millis: try row.decode(column: "millis", as: Int.self))
        }
    }

    /// Sends a delivery again, under the same id, from the first wait of the retry plan.
    public func replay(_ id: String, at now: Date) async throws -> Bool {
        !(try await db.raw("""
            UPDATE deliveries SET state = 'pending', next_at = \(bind: Columns.millis(now)), replayed_after = attempts, holder = NULL, lease_until = NULL
            WHERE id = \(bind: id) RETURNING id
            """).all()).isEmpty
    }

    /// How many deliveries wait, by channel: for `/metrics` and the operations page.
    public func pending() async throws -> [Delivery.Channel: Int] {
        var counts: [Delivery.Channel: Int] = [:]
        for row in try await db.raw("SELECT channel, COUNT(*) AS n FROM deliveries WHERE state = 'pending' GROUP BY channel").all() {
            if let channel = Delivery.Channel(rawValue: try row.decode(column: "channel", as: String.self)) {
                counts[channel] = try row.decode(column: "n", as: Int.self)
            }
        }
        return counts
    }

    /// The soonest a pending delivery is due, nil when none is: how long the sender may sleep.
    public func nextDue() async throws -> Date? {
        try await db.raw("SELECT MIN(next_at) AS at FROM deliveries WHERE state = 'pending'").first()?.decode(column: "at", as: Int64?.self).map(Columns.date)
    }

    /// Removes deliveries ended before `date` and their log.
    @discardableResult
    public func purge(endedBefore date: Date) async throws -> Int {
        let at = Columns.millis(date)
        try await db.raw("""
            DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE state <> 'pending' AND last_at < \(bind: at))
            """).run()
        return try await db.raw("DELETE FROM deliveries WHERE state <> 'pending' AND last_at < \(bind: at) RETURNING id").all().count
    }

    private static func delivery(_ row: any SQLRow) throws -> Delivery {
        guard let channel = Delivery.Channel(rawValue: try row.decode(column: "channel", as: String.self)),
              let state = Delivery.State(rawValue: try row.decode(column: "state", as: String.self)) else { throw StoreError.corruptRow("delivery") }
        return Delivery(
            id: try row.decode(column: "id", as: String.self), eventID: try row.decode(column: "event_id", as: Int64.self), channel: channel,
            target: try row.decode(column: "target", as: String.self),
            webhookID: try row.decode(column: "webhook_id", as: String?.self).flatMap(UUID.init(uuidString:)),
            username: try row.decode(column: "username", as: String?.self), language: try row.decode(column: "language", as: String.self),
            notice: try Notice.stored(try row.decode(column: "notice", as: String.self)), state: state,
            attempts: try row.decode(column: "attempts", as: Int.self), replayedAfter: try row.decode(column: "replayed_after", as: Int.self),
            nextAt: Columns.date(try row.decode(column: "next_at", as: Int64.self)),
            lastStatus: try row.decode(column: "last_status", as: Int?.self), lastAnswer: try row.decode(column: "last_answer", as: String?.self),
            lastAt: try row.decode(column: "last_at", as: Int64?.self).map(Columns.date),
            createdAt: Columns.date(try row.decode(column: "created_at", as: Int64.self)),
            deliveredAt: try row.decode(column: "delivered_at", as: Int64?.self).map(Columns.date))
    }
}
