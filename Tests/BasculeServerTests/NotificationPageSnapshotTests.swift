@testable import BasculeCore
@testable import BasculeServer
import BasculeStore
import Foundation
import SnapshotTesting
import Testing

/// The notifications page, the webhooks page and one endpoint's delivery log, whole, in both languages.
@Suite("Notification page snapshots")
struct NotificationPageSnapshotTests {
    private static var record: SnapshotTestingConfiguration.Record { ProcessInfo.processInfo.environment["SNAPSHOT_RECORD"] == "1" ? .all : .missing }

    private func check(_ html: String, page: String, _ language: Language, fileID: StaticString = #fileID, filePath: StaticString = #filePath,
                       line: UInt = #line, column: UInt = #column) {
        withSnapshotTesting(record: Self.record) {
            assertSnapshot(of: html, as: .lines, named: language.rawValue, fileID: fileID, file: filePath, testName: page, line: line, column: column)
        }
    }

    static let payroll = NoticeRelease(key: "REL-12", title: "Payroll", version: "4.2", status: "planned", environment: "production", tags: ["payroll"],
                                       items: ["pay-db"], windowStart: PageFixtures.now.addingTimeInterval(86_400),
                                       windowEnd: PageFixtures.now.addingTimeInterval(86_400 + 10_800))

    static func notice(_ kind: NoticeKind, facts: [String: String] = [:], minutes: Double) -> Notice {
        Notice(kind: kind, at: PageFixtures.now.addingTimeInterval(-minutes * 60), actor: "claire", release: payroll, facts: facts)
    }

    @Test("the inbox marks the unread, words each event in the reader's language, and lists the subscriptions with the form to add one", arguments: Language.allCases)
    func notifications(language: Language) async throws {
        // given
        let renderer = try await PageFixtures.renderer()
        let words = PageFixtures.words(renderer, language)
        let moved = Self.notice(.releaseMoved, facts: ["fromStart": "2026-11-28T21:00:00Z", "fromEnd": "2026-11-29T00:00:00Z"], minutes: 5)
        let failed = Notice(kind: .stepFailed, at: PageFixtures.now.addingTimeInterval(-3600), actor: "agent-1", release: Self.payroll,
                            facts: ["run": "7b1c", "step": "P04", "stepTitle": "Migrate the ledger", "comment": "lock timeout"])
        let inbox = NotificationService.Inbox(lines: [
            InboxLine(id: 3, eventID: 30, notice: moved, readAt: nil),
            InboxLine(id: 2, eventID: 20, notice: failed, readAt: nil),
            InboxLine(id: 1, eventID: 10, notice: Self.notice(.approvalDecided, facts: ["decision": "approve"], minutes: 600), readAt: PageFixtures.now),
        ], unread: 2, nextCursor: nil)
        let subscriptions = [
            try Subscription(id: UUID(uuidString: "11111111-2222-3333-4444-555555555555")!, username: "claire", scope: .tag("payroll"), kinds: [],
                             channels: [.inbox, .email], createdAt: PageFixtures.now),
            try Subscription(id: UUID(uuidString: "66666666-2222-3333-4444-555555555555")!, username: "claire", scope: .environment("production"),
                             kinds: [.runStarted, .runFinished], channels: [.inbox], createdAt: PageFixtures.now),
        ]
        // when
        let model = await RequestOrigin.asSystem {
            NotificationsPage.model(inbox, onlyUnread: false, subscriptions: subscriptions, language: language.rawValue, words)
        }
        let html = renderer.html("notifications", shell: PageFixtures.shell(words, title: words.text("notifications_title"), unread: 2), language: language, model: model)
        // then
        check(html, page: "notifications", language)
    }

    @Test("the webhooks page shows each endpoint's state, the secret once, and the form to add one", arguments: Language.allCases)
    func webhooks(language: Language) async throws {
        // given
        let renderer = try await PageFixtures.renderer()
        let words = PageFixtures.words(renderer, language)
        let chat = try WebhookEndpoint(id: UUID(uuidString: "aaaaaaaa-2222-3333-4444-555555555555")!, name: "Release chat", url: "https://chat.example.com/hooks/rel",
                                       kinds: [.runStarted, .runFinished], format: .slack, owner: "claire", lastSuccessAt: PageFixtures.now, createdAt: PageFixtures.now)
        let itsm = try WebhookEndpoint(id: UUID(uuidString: "bbbbbbbb-2222-3333-4444-555555555555")!, name: "ITSM", url: "https://itsm.example.com/bascule",
                                       kinds: [], format: .standard, owner: "claire", enabled: false, disabledReason: "failing since 2026-11-24T10:00:00Z",
                                       failingSince: PageFixtures.now.addingTimeInterval(-5 * 86_400), createdAt: PageFixtures.now)
        // when
        let model = WebhooksPage.model([chat, itsm], secret: ("Release chat", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), words)
        let html = renderer.html("webhooks", shell: PageFixtures.shell(words, title: words.text("webhooks_title")), language: language, model: model)
        // then
        check(html, page: "webhooks", language)
    }

    @Test("an endpoint's log shows each delivery, its tries when opened, and replay for those not waiting", arguments: Language.allCases)
    func deliveries(language: Language) async throws {
        // given
        let renderer = try await PageFixtures.renderer()
        let words = PageFixtures.words(renderer, language)
        let endpoint = try WebhookEndpoint(id: UUID(uuidString: "aaaaaaaa-2222-3333-4444-555555555555")!, name: "ITSM", url: "https://itsm.example.com/bascule",
                                           kinds: [], format: .standard, owner: "claire", failingSince: PageFixtures.now, createdAt: PageFixtures.now)
        func delivery(_ id: String, _ state: Delivery.State, attempts: Int, status: Int?, answer: String?) -> Delivery {
            Delivery(id: id, eventID: 1, channel: .webhook, target: endpoint.id.uuidString, webhookID: endpoint.id, username: nil, language: "en",
                     notice: Self.notice(.runStarted, minutes: 30), state: state, attempts: attempts, replayedAfter: 0,
                     nextAt: PageFixtures.now.addingTimeInterval(300), lastStatus: status, lastAnswer: answer,
                     lastAt: attempts > 0 ? PageFixtures.now : nil, createdAt: PageFixtures.now, deliveredAt: state == .delivered ? PageFixtures.now : nil)
        }
        let waiting = delivery("msg_waiting", .pending, attempts: 2, status: 503, answer: "maintenance")
        let page = Page(items: [waiting, delivery("msg_done", .delivered, attempts: 1, status: 200, answer: "ok"),
                                delivery("msg_gone", .failed, attempts: 8, status: nil, answer: "connection refused")], nextCursor: "abc")
        let attempts = [DeliveryAttempt(number: 1, at: PageFixtures.now, status: nil, answer: "no answer within 10 s", millis: 10_000),
                        DeliveryAttempt(number: 2, at: PageFixtures.now, status: 503, answer: "maintenance", millis: 12)]
        // when
        let model = WebhookPage.model(endpoint, deliveries: page, opened: (waiting, attempts), state: nil, words)
        let html = renderer.html("webhook", shell: PageFixtures.shell(words, title: "ITSM"), language: language, model: model)
        // then
        check(html, page: "webhook-deliveries", language)
    }

    @Test("the status page shows the cutover under way with its expected end, the planned disruptions and the past, and what it publishes", arguments: Language.allCases)
    func status(language: Language) async throws {
        // given
        let renderer = try await PageFixtures.renderer()
        let words = PageFixtures.words(renderer, language)
        let payroll = StatusPublication.Service(key: "svc-payroll", name: "Payroll"), finance = StatusPublication.Service(key: "svc-finance", name: "Finance")
        let publication = StatusPublication(environments: ["production"], services: [finance, payroll])
        func disruption(_ key: String, _ state: DisruptionState, hours: Double, _ services: [StatusPublication.Service]) -> Disruption {
            let start = PageFixtures.now.addingTimeInterval(hours * 3600)
            return Disruption(release: key, title: "\(key) cutover", environment: "production", services: services, start: start,
                              end: start.addingTimeInterval(3 * 3600), state: state,
                              expectedEnd: state.isCurrent ? start.addingTimeInterval(3.5 * 3600) : nil, updatedAt: PageFixtures.now)
        }
        let board = StatusBoard([disruption("REL-19", .verifying, hours: -2, [finance]), disruption("REL-21", .scheduled, hours: 30, [payroll]),
                                 disruption("REL-7", .rolledBack, hours: -50, [payroll, finance])], now: PageFixtures.now)
        let settings = StatusPage.Settings(environments: [Choice(value: "production", label: "production", selected: true)],
                                           services: [Choice(value: "svc-payroll", label: "Payroll", selected: true)])
        // when
        let model = StatusPage.model(publication, board, service: nil, settings: settings, words)
        let html = renderer.html("status", shell: PageFixtures.shell(words, title: model.heading), language: language, model: model)
        // then
        check(html, page: "status", language)
    }
}

