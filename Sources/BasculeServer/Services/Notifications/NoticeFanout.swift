import BasculeCore
import BasculeStore
import Foundation
import SQLKit

/// Hands notices out: reads the events after the cursor, and for each notice writes the inbox
/// lines and the deliveries it calls for, then moves the cursor, all in one transaction. The
/// cursor row is locked while it works, so two replicas never hand out the same notice, and a
/// server stopped halfway leaves the cursor where the last whole batch put it.
struct NoticeFanout: Sendable {
    let store: Store
    let now: @Sendable () -> Date
    /// How long an e-mail waits before it goes (so that a burst goes as one message); nil when
    /// e-mail is not configured: then no e-mail delivery is written.
    var mailGrouping: TimeInterval? = nil

    struct Handed: Sendable {
        var events = 0
        var notices = 0
        var deliveries = 0
    }

    /// Hands out one batch; `events` is 0 when nothing was waiting.
    func handOut(batch: Int = 500) async throws -> Handed {
        let behind = try await store.withConnection { db in
            try await NoticeCursorRepository(db).position() < EventRepository(db).latestID()
        }
        guard behind else { return Handed() }
        return try await store.transaction { db in
            let cursor = NoticeCursorRepository(db)
            let from = try await cursor.lock()
            let events = try await EventRepository(db).after(from, limit: batch)
            guard let last = events.last?.id else { return Handed() }
            var handed = Handed(events: events.count)
            let notices = events.filter { $0.topic == Notices.topic }.compactMap { event in (try? Notice.stored(event.payload)).map { (event, $0) } }
            if !notices.isEmpty { handed.deliveries = try await write(notices, in: db) }
            handed.notices = notices.count
            try await cursor.move(to: last)
            return handed
        }
    }

    /// Hands out until nothing waits.
    func handOutAll() async throws -> Handed {
        var total = Handed()
        while true {
            let handed = try await handOut()
            total.events += handed.events
            total.notices += handed.notices
            total.deliveries += handed.deliveries
            if handed.events == 0 { return total }
        }
    }

    private func write(_ notices: [(StoredEvent, Notice)], in db: any SQLDatabase) async throws -> Int {
        let subscriptions = SubscriptionRepository(db)
        let allSubscriptions = try await subscriptions.all()
        let people = try await subscriptions.people()
        let teams = Dictionary(try await TeamRepository(db).all().map { ($0.name, $0.members) }, uniquingKeysWith: { first, _ in first })
        let numbers = Set(notices.compactMap { $0.1.release.flatMap { ReleaseKey($0.key)?.number } })
        let stakeholders = try await StakeholderRepository(db).of(numbers: numbers)
        let endpoints = try await WebhookRepository(db).all()
        let inbox = InboxRepository(db), deliveries = DeliveryRepository(db)
        let at = now()
        var written = 0
        for (event, notice) in notices {
            let recipients = Recipients.of(notice, subscriptions: allSubscriptions, stakeholders: stakeholders, teams: teams, people: people)
            let inboxUsers = recipients.compactMap { recipient -> String? in
                guard recipient.channels.contains(.inbox), case .user(let username) = recipient.target else { return nil }
                return username
            }
            try await inbox.insert(eventID: event.id, notice: notice, stored: event.payload, for: inboxUsers)
            var outgoing: [NewDelivery] = recipients.compactMap { recipient in
                guard let grouping = mailGrouping, recipient.channels.contains(.email), let email = recipient.email else { return nil }
                var username: String?
                if case .user(let name) = recipient.target { username = name }
                return NewDelivery(channel: .email, target: email, webhookID: nil, username: username, language: recipient.language,
                                   firstAt: at.addingTimeInterval(grouping))
            }
            outgoing += endpoints.filter { $0.wants(notice) }.map { endpoint in
                NewDelivery(channel: .webhook, target: endpoint.id.uuidString, webhookID: endpoint.id, username: nil, language: "en", firstAt: at)
            }
            try await deliveries.insert(eventID: event.id, stored: event.payload, kind: notice.kind, outgoing, at: at)
            written += outgoing.count
        }
        return written
    }
}
