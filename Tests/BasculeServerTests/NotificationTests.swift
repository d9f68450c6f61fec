import BasculeCore
@testable import BasculeServer
import BasculeStore
import BasculeTestSupport
import Crypto
import Foundation
import Testing

@Suite("Notifications: inbox, subscriptions, stakeholders, webhooks")
struct NotificationTests {
    static let start = Date(timeIntervalSince1970: 1_803_000_000)

    static func plannedRelease(_ services: BasculeServices) async throws {
        _ = try await services.environments.create(name: "production", kind: .production)
        _ = try await services.releases.create(ReleaseInput(title: "Payroll", version: "4.2", type: .minor, plannedStart: start,
                                                            plannedEnd: start.addingTimeInterval(3600), environment: "production", tags: ["payroll"]))
    }

    static func move(_ services: BasculeServices, hours: Double = 24) async throws {
        var changes = ReleaseChanges()
        changes.plannedStart = .some(start.addingTimeInterval(hours * 3600))
        changes.plannedEnd = .some(start.addingTimeInterval(hours * 3600 + 3600))
        _ = try await services.releases.update("REL-1", changes: changes)
    }

    @Test("the signature is the one the Standard Webhooks reference libraries compute")
    func referenceSignature() throws {
        // given: the test vector of the specification's reference libraries
        let secret = try WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        // when
        let signature = WebhookSigner.signature(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: #"{"test": 2432232314}"#, secrets: [secret])
        // then
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test("a subscriber to a release finds its move in the inbox, worded in their language, and marks it read", arguments: TestEngine.available)
    func inbox(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            try await Self.plannedRelease(services)
            #expect(try await client.send(.post, "/api/v1/subscriptions", json: #"{"scope":"release","value":"rel-1","channels":["inbox"]}"#).status == .created)
            #expect(try await client.send(.put, "/api/v1/notifications/settings", json: #"{"language":"fr"}"#).status == .ok)
            // when
            try await Self.move(services)
            _ = try await NoticeFanout(store: services.store, now: Date.init).handOutAll()
            // then
            let page = try await client.send(.get, "/api/v1/notifications").json()
            let items = page["items"] as? [[String: Any]] ?? []
            #expect(page["unread"] as? Int == 1)
            #expect(items.first?["kind"] as? String == "release.moved")
            #expect((items.first?["summary"] as? String)?.hasPrefix("REL-1 Payroll 4.2 déplacée (production)\u{00A0}: désormais ") == true, "\(items)")
            #expect(items.first?["link"] as? String == "/releases/REL-1")
            #expect(try await client.send(.post, "/api/v1/notifications/read", json: "{}").json()["changed"] as? Int == 1)
            let unread = try await client.send(.get, "/api/v1/notifications?unread=true").json()
            #expect((unread["items"] as? [Any])?.isEmpty == true)
            #expect(unread["unread"] as? Int == 0)
        }
    }

    @Test("handing out twice gives one inbox line and one delivery per receiver", arguments: TestEngine.available)
    func handedOutOnce(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            try await Self.plannedRelease(services)
            // (a set-up step that fails says so, rather than showing as an empty inbox)
            let subscribed = try await client.send(.post, "/api/v1/subscriptions", json: #"{"scope":"tag","value":"payroll","channels":["inbox"]}"#)
            try #require(subscribed.status == .created, "\(subscribed.text)")
            let hooked = try await client.send(.post, "/api/v1/webhooks", json: #"{"name":"chat","url":"http://127.0.0.1:9/hook"}"#)
            try #require(hooked.status == .created, "\(hooked.text)")
            try await Self.move(services)
            // when
            let fanout = NoticeFanout(store: services.store, now: Date.init)
            async let first = fanout.handOutAll()
            async let second = fanout.handOutAll()
            let (a, b) = try await (first, second)
            // then
            #expect(a.notices + b.notices == 1)
            let inbox = try await services.store.withConnection { try await InboxRepository($0).unread(of: client.username) }
            #expect(inbox == 1)
            let pending = try await services.store.withConnection { try await DeliveryRepository($0).pending() }
            #expect(pending[.webhook] == 1)
        }
    }

    @Test("a webhook receiver gets the move signed with the endpoint's secret, and the delivery is logged", arguments: TestEngine.available)
    func webhookDelivered(engine: TestEngine) async throws {
        try await WebhookReceiver.with { receiver, url in
            try await TestApp.with(engine, sending: true) { client, services in
                // given
                try await Self.plannedRelease(services)
                let created = try await client.send(.post, "/api/v1/webhooks", json: #"{"name":"chat","url":"\#(url)","kinds":["release.moved"]}"#).json()
                let secret = try WebhookSecret(created["secret"] as? String ?? "")
                let id = (created["webhook"] as? [String: Any])?["id"] as? String ?? ""
                // when
                try await Self.move(services)
                try await receiver.wait(for: 1)
                // then
                let got = try #require(receiver.all.first)
                let messageID = try #require(got.headers["webhook-id"]), timestamp = try #require(got.headers["webhook-timestamp"])
                #expect(got.headers["webhook-signature"] == WebhookSigner.signature(id: messageID, timestamp: Int(timestamp) ?? 0, body: got.body, secrets: [secret]))
                #expect(got.body.contains(#""type":"release.moved""#))
                #expect(receiver.all.count == 1, "only the kinds asked for")
                // The sender records tries in batches: within a fraction of a second, longer under load.
                var log: [[String: Any]] = []
                for _ in 0..<100 {
                    log = try await client.send(.get, "/api/v1/webhooks/\(id)/deliveries").json()["items"] as? [[String: Any]] ?? []
                    if log.first?["state"] as? String == "delivered" { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(log.first?["id"] as? String == messageID)
                #expect(log.first?["state"] as? String == "delivered")
                #expect(log.first?["lastStatus"] as? Int == 200)
            }
        }
    }

    @Test("a receiver that fails gets the same webhook-id again on replay, signed by both secrets after a rotation", arguments: TestEngine.available)
    func retriedAndReplayed(engine: TestEngine) async throws {
        try await WebhookReceiver.with { receiver, url in
            try await TestApp.with(engine, sending: true) { client, services in
                // given
                receiver.status.withLockedValue { $0 = 500 }
                try await Self.plannedRelease(services)
                let created = try await client.send(.post, "/api/v1/webhooks", json: #"{"name":"chat","url":"\#(url)"}"#).json()
                let id = (created["webhook"] as? [String: Any])?["id"] as? String ?? ""
                try await Self.move(services)
                try await receiver.wait(for: 1)
                try await Task.sleep(for: .milliseconds(400))
                let first = try #require(receiver.all.first)
                // when
                let rotated = try await client.send(.post, "/api/v1/webhooks/\(id)/rotate-secret", json: "{}").json()["secret"] as? String ?? ""
                // The sender reads an endpoint's secrets at most every 2 seconds.
                try await Task.sleep(for: .milliseconds(2_100))
                let delivery = first.headers["webhook-id"] ?? ""
                // The sender records the failed attempt after the receiver answered: on a loaded
                // machine that may take a while, and marking it failed before would be undone.
                for _ in 0..<600 {
                    let attempts = try await client.send(.get, "/api/v1/webhooks/\(id)/deliveries/\(delivery)").json()["attempts"] as? [Any]
                    if !(attempts ?? []).isEmpty { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                let pending = try await client.send(.post, "/api/v1/webhooks/\(id)/deliveries/\(delivery)/replay")
                try await services.store.transaction { db in
                    // Given up, as the sender would: a retry in flight (5 s after the first try, reached on a
                    // loaded machine) loses its lease and cannot write its result over this.
                    try await db.raw("UPDATE deliveries SET state = 'failed', fence = fence + 1, holder = NULL, lease_until = NULL WHERE id = \(bind: delivery)").run()
                }
                receiver.status.withLockedValue { $0 = 204 }
                let replayed = try await client.send(.post, "/api/v1/webhooks/\(id)/deliveries/\(delivery)/replay")
                try await receiver.wait(for: 2)
                // then
                #expect(pending.status == .conflict, "a delivery waiting for its retry is not replayed")
                #expect(replayed.status == .accepted)
                let second = try #require(receiver.all.dropFirst().first)
                #expect(second.headers["webhook-id"] == delivery)
                #expect(second.headers["webhook-signature"]?.split(separator: " ").count == 2)
                let timestamp = Int(second.headers["webhook-timestamp"] ?? "") ?? 0
                let newOnly = WebhookSigner.signature(id: delivery, timestamp: timestamp, body: second.body, secrets: [try WebhookSecret(rotated)])
                #expect(second.headers["webhook-signature"]?.hasPrefix(newOnly) == true)
                let detail = try await client.send(.get, "/api/v1/webhooks/\(id)/deliveries/\(delivery)").json()
                #expect((detail["attempts"] as? [[String: Any]])?.first?["status"] as? Int == 500)
            }
        }
    }

    @Test("bad webhooks and subscriptions are refused with the field at fault", arguments: TestEngine.available)
    func badInput(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, _ in
            // when
            let ftp = try await client.send(.post, "/api/v1/webhooks", json: #"{"name":"x","url":"ftp://example.com/x"}"#)
            let secret = try await client.send(.post, "/api/v1/webhooks", json: #"{"name":"x","url":"https://example.com/x","secret":"hunter2"}"#)
            let kind = try await client.send(.post, "/api/v1/subscriptions", json: #"{"scope":"everything","kinds":["release.exploded"],"channels":["inbox"]}"#)
            let missing = try await client.send(.post, "/api/v1/subscriptions", json: #"{"scope":"release","value":"REL-99","channels":["inbox"]}"#)
            let address = try await client.send(.post, "/api/v1/releases/REL-1/stakeholders", json: #"{"kind":"address","name":"nobody"}"#)
            // then
            for response in [ftp, secret, kind, missing] {
                #expect(response.status == .unprocessableContent, "\(response.text)")
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            #expect(ftp.text.contains("http or https"))
            #expect(secret.text.contains("whsec_"))
            #expect(kind.text.contains("release.exploded"))
            #expect(address.status == .unprocessableContent)
            #expect(address.text.contains("not an e-mail address"))
        }
    }

    @Test("a release's stakeholder team hears of its cutover; removing the team stops it", arguments: TestEngine.available)
    func stakeholders(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            try await Self.plannedRelease(services)
            _ = try await services.identity.createUser(username: "paula", roles: [.viewer], password: TestApp.password)
            _ = try await services.teams.create(name: "paie", members: ["paula"])
            #expect(try await client.send(.post, "/api/v1/releases/REL-1/stakeholders", json: #"{"kind":"team","name":"paie"}"#).status == .created)
            #expect(try await client.send(.post, "/api/v1/releases/REL-1/stakeholders", json: #"{"kind":"team","name":"paie"}"#).status == .conflict)
            // when
            try await Self.move(services)
            _ = try await NoticeFanout(store: services.store, now: Date.init).handOutAll()
            #expect(try await client.send(.delete, "/api/v1/releases/REL-1/stakeholders/team/paie").status == .noContent)
            try await Self.move(services, hours: 48)
            _ = try await NoticeFanout(store: services.store, now: Date.init).handOutAll()
            // then
            let unread = try await services.store.withConnection { try await InboxRepository($0).unread(of: "paula") }
            #expect(unread == 1)
        }
    }

    static let announcing = """
        steps:
          - {key: backup, title: Back up billing, duration: 10m}
          - {key: tell, title: Tell the users, duration: 5m, after: [backup], kind: communication, instructions: "Billing is down until {expectedEnd} ({downtime} of downtime)."}
          - {key: deploy, title: Deploy, duration: 20m, after: [tell], downtime: true}
        """

    @Test("a communication step of the live run tells the stakeholders its message with the forecast's end and downtime; a rehearsal tells nobody", arguments: TestEngine.available)
    func announcement(engine: TestEngine) async throws {
        try await TestApp.with(engine) { client, services in
            // given
            try await client.send(.post, "/api/v1/environments", json: Samples.production)
            try await client.send(.post, "/api/v1/releases", json: Samples.plannedRelease)
            let imported = try await client.send(.put, "/api/v1/releases/REL-1/runbook/yaml", json: Self.announcing, headers: [.contentType: "application/yaml"])
            #expect(imported.status == .ok, "\(imported.text)")
            for status in ["planned", "approved", "ready"] {
                try await client.send(.post, "/api/v1/releases/REL-1/transitions", json: #"{"to":"\#(status)"}"#)
            }
            _ = try await services.identity.createUser(username: "paula", roles: [.viewer], password: TestApp.password)
            try await services.notifications.addStakeholder(to: "REL-1", kind: "user", name: "paula", language: nil)
            let rehearsal = try await services.runs.create(in: "REL-1", kind: .rehearsal)
            _ = try await services.runs.act(rehearsal.id.uuidString, .start("backup"))
            _ = try await services.runs.act(rehearsal.id.uuidString, .complete("backup"))
            _ = try await services.runs.act(rehearsal.id.uuidString, .start("tell"))
            // when
            let live = try await services.runs.create(in: "REL-1", kind: .live)
            _ = try await services.runs.act(live.id.uuidString, .start("backup"))
            _ = try await services.runs.act(live.id.uuidString, .complete("backup"))
            _ = try await services.runs.act(live.id.uuidString, .start("tell"))
            _ = try await NoticeFanout(store: services.store, now: Date.init).handOutAll()
            // then
            let lines = try await services.store.withConnection { try await InboxRepository($0).page(of: "paula", unreadOnly: false, limit: 10, before: nil).items }
            let kinds = lines.map(\.notice.kind)
            #expect(kinds.filter { $0 == .announcement }.count == 1, "\(kinds)")
            #expect(kinds.contains(.runStarted))
            let told = try #require(lines.first { $0.notice.kind == .announcement }?.notice)
            let words = Words(localizer: try Localizer(), language: .en, formatting: WebFormatting(timeZone: .gmt))
            let summary = NoticeWording.summary(told, words)
            #expect(summary.contains("Billing is down until "), "\(summary)")
            #expect(summary.contains(/\(\d+\x{00A0}min of downtime\)/), "\(summary)")
            #expect(!summary.contains("{"), "every placeholder filled: \(summary)")
        }
    }
}

