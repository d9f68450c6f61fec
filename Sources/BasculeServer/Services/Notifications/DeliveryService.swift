import BasculeCore
import BasculeStore
import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import SQLKit

/// Hands notices out and sends what they call for, on every replica: deliveries are leased one
/// by one (a fence each), so replicas share them and a replica killed mid-send leaves its
/// leases to run out and the deliveries to be sent again, under the same `webhook-id`.
/// Up to `capacity` sends run at once, at most `perEndpoint` to one endpoint, so that one slow
/// receiver cannot hold up the others; each try ends in a batch with the others that ended
/// about then (one transaction for many).
public final class DeliveryService: Service, Sendable {
    let store: Store
    let vault: SecretVault
    let localizer: Localizer
    let formatting: WebFormatting
    let siteURL: String?
    /// Where e-mail goes; without it nobody is sent e-mail (the inbox and webhooks still work).
    let smtp: SMTPSettings?
    let now: @Sendable () -> Date
    let logger: Logger
    let bell: DeliveryBell
    let holder = "\(ProcessInfo.processInfo.hostName)#\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(6))"
    let capacity: Int
    let perEndpoint: Int
    let endpoints = NIOLockedValueBox<[UUID: CachedEndpoint]>([:])
    static let lease: TimeInterval = 30

    init(store: Store, vault: SecretVault, bell: DeliveryBell, localizer: Localizer, formatting: WebFormatting, siteURL: String?, smtp: SMTPSettings?,
         capacity: Int = 64, perEndpoint: Int = 16, now: @escaping @Sendable () -> Date = Date.init, logger: Logger) {
        self.store = store
        self.bell = bell
        self.vault = vault
        self.localizer = localizer
        self.formatting = formatting
        self.smtp = smtp
        self.siteURL = siteURL
        self.capacity = capacity
        self.perEndpoint = perEndpoint
        self.now = now
        self.logger = logger
    }

    var fanout: NoticeFanout { NoticeFanout(store: store, now: now, mailGrouping: smtp?.grouping) }

    func words(_ language: String) -> Words {
        Words(localizer: localizer, language: Language(rawValue: language) ?? .en, formatting: formatting)
    }

    private enum Event: Sendable {
        case sent(DeliveryLease, DeliveryResult)
        case tick
    }

    public func run() async throws {
        let client = WebhookClient.make()
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.loop(client) }
                if let smtp = self.smtp { group.addTask { await self.mailLoop(SMTPClient(settings: smtp)) } }
            }
        }
        await client.shutdown()
    }

    private func loop(_ client: WebhookClient) async {
        var inFlight: [String: Int] = [:]
        var ended: [(DeliveryLease, DeliveryResult)] = []
        var lastFlush = ContinuousClock.now
        var lastClaim = ContinuousClock.now
        await withTaskGroup(of: Event.self) { group in
            group.addTask { .tick }
            while let event = await group.next() {
                switch event {
                case .sent(let lease, let result):
                    ended.append((lease, result))
                    inFlight[lease.delivery.target, default: 1] -= 1
                    if inFlight[lease.delivery.target] == 0 { inFlight[lease.delivery.target] = nil }
                case .tick:
                    if !Task.isCancelled { group.addTask { [bell] in await bell.wait(upTo: .seconds(1)); return .tick } }
                    await handOut()
                }
                if !ended.isEmpty, ended.count >= 32 || inFlight.isEmpty || ContinuousClock.now - lastFlush > .milliseconds(200) || Task.isCancelled {
                    await finish(ended)
                    ended.removeAll()
                    lastFlush = .now
                }
                if Task.isCancelled { continue }
                let busy = inFlight.values.reduce(0, +)
                // Claimed at most every 10 ms while sends are under way, a few at a time rather
                // than one per finished send: one transaction for many.
                guard busy < capacity, busy == 0 || ContinuousClock.now - lastClaim > .milliseconds(10) else { continue }
                lastClaim = .now
                for lease in await claim(capacity - busy, inFlight: &inFlight) {
                    group.addTask { [self] in .sent(lease, await self.send(lease, client)) }
                }
            }
        }
        if !ended.isEmpty { await finish(ended) }
    }

    private func handOut() async {
        do {
            let handed = try await fanout.handOutAll()
            if handed.notices > 0 { logger.debug("handed out \(handed.notices) notices: \(handed.deliveries) deliveries") }
        } catch {
            logger.warning("handing notices out failed: \(error)")
        }
    }

    /// Leases what is due, each receiver up to its share of the sends at once: a receiver
    /// that is slow holds its own share, never the others'.
    private func claim(_ room: Int, inFlight: inout [String: Int]) async -> [DeliveryLease] {
        let holder = self.holder, at = now(), perEndpoint = self.perEndpoint
        let shares = inFlight
        guard let leases = try? await store.transaction({ db -> [DeliveryLease] in
            let deliveries = DeliveryRepository(db)
            var taken: [DeliveryLease] = [], left = room
            for target in try await deliveries.dueTargets(.webhook, at: at, limit: 50) where left > 0 {
                let share = min(left, perEndpoint - shares[target, default: 0])
                guard share > 0 else { continue }
                let leases = try await deliveries.claim(.webhook, as: holder, at: at, for: Self.lease, limit: share, target: target)
                taken += leases
                left -= leases.count
            }
            return taken
        }) else { return [] }
        for lease in leases { inFlight[lease.delivery.target, default: 0] += 1 }
        return leases
    }

    private func send(_ lease: DeliveryLease, _ client: WebhookClient) async -> DeliveryResult {
        let delivery = lease.delivery
        guard let id = delivery.webhookID else { return DeliveryResult(status: nil, answer: "no endpoint", millis: 0) }
        do {
            guard let (endpoint, secrets) = try await endpoint(id) else { return DeliveryResult(status: nil, answer: "the endpoint was removed", millis: 0) }
            let summary = NoticeWording.summary(delivery.notice, words("en"))
            let link = NoticeWording.path(delivery.notice).flatMap { path in siteURL.map { $0 + path } }
            let body = endpoint.format == .standard ? WebhookBody.standard(delivery.notice, summary: summary, link: link) : WebhookBody.chat(summary: summary, link: link)
            return await client.post(endpoint.url, body: body, headers: WebhookSigner.headers(id: delivery.id, at: now(), body: body, secrets: secrets))
        } catch {
            return DeliveryResult(status: nil, answer: "not sent: \(error)", millis: 0)
        }
    }

    /// Sends what e-mail is due, one message per address for all that waited for it, every
    /// 2 seconds; a server that cannot be reached leaves every message to its retry plan.
    private func mailLoop(_ client: SMTPClient) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(2))
            let holder = self.holder, at = now()
            guard let leases = try? await store.transaction({ db in
                try await DeliveryRepository(db).claimMail(as: holder, at: at, for: Self.lease * 2, limit: 50)
            }), !leases.isEmpty else { continue }
            let byAddress = Dictionary(grouping: leases, by: \.delivery.target).sorted { $0.key < $1.key }
            let messages = byAddress.map { address, group in
                let ordered = group.sorted { $0.delivery.eventID < $1.delivery.eventID }
                return MailComposer.message(to: address, from: client.settings.from, id: ordered[0].delivery.id, notices: ordered.map(\.delivery.notice),
                                            siteURL: siteURL, words(ordered[0].delivery.language), at: at)
            }
            let started = ContinuousClock.now
            var ended: [(DeliveryLease, DeliveryResult)] = []
            do {
                let results = try await client.send(messages)
                let millis = Int((ContinuousClock.now - started) / .milliseconds(1))
                for ((_, group), result) in zip(byAddress, results) {
                    let outcome: DeliveryResult
                    switch result {
                    case .success: outcome = DeliveryResult(status: 250, answer: group.count > 1 ? "sent with \(group.count - 1) others" : "sent", millis: millis)
                    case .failure(let error): outcome = DeliveryResult(status: Int(error.description.prefix(3)), answer: error.description, millis: millis)
                    }
                    ended += group.map { ($0, outcome) }
                }
            } catch {
                logger.warning("e-mail not sent, \(leases.count) messages wait for their next try: \(error)")
                let outcome = DeliveryResult(status: nil, answer: String(describing: error), millis: Int((ContinuousClock.now - started) / .milliseconds(1)))
                ended = leases.map { ($0, outcome) }
            }
            await finish(ended)
        }
    }

    /// An endpoint and its signing secrets, read at most every 2 seconds: a change of URL or a
    /// rotation shows within that, and a burst of deliveries does not read them for each.
    private func endpoint(_ id: UUID) async throws -> (WebhookEndpoint, [WebhookSecret])? {
        let at = ContinuousClock.now
        if let cached = endpoints.withLockedValue({ $0[id] }), at - cached.read < .seconds(2) { return (cached.endpoint, cached.secrets) }
        let (endpoint, keyring) = try await store.withConnection { db -> (WebhookEndpoint?, String?) in
            let webhooks = WebhookRepository(db)
            return (try await webhooks.find(id), try await webhooks.keyring(of: id))
        }
        guard let endpoint, let keyring else {
            endpoints.withLockedValue { $0[id] = nil }
            return nil
        }
        let secrets = try WebhookKeys.open(keyring, of: id, vault: vault).signing(at: now())
        endpoints.withLockedValue { $0[id] = CachedEndpoint(endpoint: endpoint, secrets: secrets, read: at) }
        return (endpoint, secrets)
    }

    struct CachedEndpoint: Sendable {
        let endpoint: WebhookEndpoint
        let secrets: [WebhookSecret]
        let read: ContinuousClock.Instant
    }

    /// Ends the tries in one transaction: the log, the retry plan, the endpoints' failing
    /// streaks, and an endpoint failing for days switched off with a notice to its owner.
    private func finish(_ ended: [(DeliveryLease, DeliveryResult)]) async {
        let at = now()
        do {
            try await store.transaction { db in
                let deliveries = DeliveryRepository(db), webhooks = WebhookRepository(db)
                var failing: Set<UUID> = [], succeeded: Set<UUID> = []
                for (lease, result) in ended {
                    let tries = lease.delivery.attempts + 1 - lease.delivery.replayedAfter
                    // An address the mail server refused for good is not tried again.
                    let permanent = lease.delivery.channel == .email && (500...599).contains(result.status ?? 0)
                    let retry = result.succeeded || permanent ? nil : DeliveryPlan.retry(after: tries, at: at, spread: Double.random(in: 0...1))
                    guard try await deliveries.finish(lease, result: result, retryAt: retry, at: at) else { continue }
                    guard let id = lease.delivery.webhookID else { continue }
                    if result.succeeded { succeeded.insert(id) } else { failing.insert(id) }
                }
                for id in succeeded { try await webhooks.succeeded(id, at: at) }
                for id in failing.subtracting(succeeded) {
                    try await webhooks.failed(id, at: at)
                    guard let endpoint = try await webhooks.find(id), endpoint.enabled,
                          DeliveryPlan.shouldDisable(failingSince: endpoint.failingSince, now: at) else { continue }
                    let since = endpoint.failingSince.map(Notices.time) ?? ""
                    guard try await webhooks.disable(id, reason: "failing since \(since)") else { continue }
                    try await AuditRepository(db).append(AuditEntry(actor: "system", action: .webhookDisable, target: "webhook:\(endpoint.name)",
                                                                    summary: "switched off: no delivery got through since \(since)"),
                                                         at: at, requestID: nil, clientAddress: nil)
                    try await Notices.record(Notice(kind: .webhookDisabled, at: at, actor: "system", release: nil,
                                                    facts: ["name": endpoint.name, "since": since, "webhook": endpoint.id.uuidString.lowercased()],
                                                    addressee: endpoint.owner), in: db)
                }
            }
        } catch {
            logger.warning("recording \(ended.count) webhook deliveries failed (they will be sent again): \(error)")
        }
    }
}

/// An endpoint's keyring, sealed under the installation's key with the endpoint's id bound in.
enum WebhookKeys {
    static func seal(_ keyring: WebhookKeyring, of id: UUID, vault: SecretVault) throws -> String {
        try vault.seal(String(decoding: try JSONEncoder().encode(keyring), as: UTF8.self), name: name(id))
    }

    static func open(_ sealed: String, of id: UUID, vault: SecretVault) throws -> WebhookKeyring {
        try JSONDecoder().decode(WebhookKeyring.self, from: Data(try vault.open(sealed, name: name(id)).utf8))
    }

    private static func name(_ id: UUID) -> String { "webhook:\(id.uuidString.lowercased())" }
}
