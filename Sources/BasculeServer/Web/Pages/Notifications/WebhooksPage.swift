import BasculeCore
import Foundation

/// The webhook endpoints: each with its state (and why it was switched off), what it gets,
/// its last success; the form to add one; the secret shown once after adding or rotating.
enum WebhooksPage {
    struct Line: Sendable {
        let id: String
        let href: String
        let name: String
        let url: String
        let kinds: String
        let format: String
        let enabled: Bool
        let state: String
        let disabledReason: String?
        let lastSuccess: String
        let failingSince: String?
    }

    struct Model: Sendable {
        let endpoints: [Line]
        /// The secret just made, shown once, and the endpoint it signs for.
        let secret: String?
        let secretFor: String?
        let kinds: [Choice]
        let formats: [Choice]
        let errors: [String]
    }

    static func line(_ endpoint: WebhookEndpoint, _ words: Words) -> Line {
        Line(id: endpoint.id.uuidString.lowercased(), href: "/webhooks/\(endpoint.id.uuidString.lowercased())", name: endpoint.name, url: endpoint.url,
             kinds: endpoint.kinds.isEmpty ? words.text("notifications_every_kind") : endpoint.kinds.map(words.label).sorted().joined(separator: ", "),
             format: words.label(endpoint.format), enabled: endpoint.enabled,
             state: words.text(endpoint.enabled ? "webhooks_enabled" : "webhooks_disabled"), disabledReason: endpoint.disabledReason,
             lastSuccess: endpoint.lastSuccessAt.map(words.date) ?? "—", failingSince: endpoint.failingSince.map(words.date))
    }

    static func model(_ endpoints: [WebhookEndpoint], secret: (String, String)? = nil, errors: [FieldError] = [], _ words: Words) -> Model {
        Model(endpoints: endpoints.map { line($0, words) }, secret: secret?.1, secretFor: secret?.0,
              kinds: NoticeKind.allCases.filter { !$0.isPersonal }.map { Choice(value: $0.rawValue, label: words.label($0), selected: false) },
              formats: WebhookFormat.allCases.map { Choice(value: $0.rawValue, label: words.label($0), selected: $0 == .standard) },
              errors: errors.map(words.error))
    }
}

/// One endpoint and its delivery log, newest first: each delivery's event, state, tries, last
/// answer; each try of the one opened; replay for those delivered or given up.
enum WebhookPage {
    struct Attempt: Sendable {
        let number: Int
        let at: String
        let status: String
        let answer: String
        let millis: String
    }

    struct Line: Sendable {
        let id: String
        let kind: String
        let summary: String
        let state: String
        let stateValue: String
        let tries: Int
        let last: String
        let lastStatus: String
        let lastAnswer: String
        let next: String?
        let canReplay: Bool
        let open: Bool
        let attempts: [Attempt]
        let href: String
    }

    struct Model: Sendable {
        let endpoint: WebhooksPage.Line
        let deliveries: [Line]
        let olderHref: String?
        let states: [Choice]
    }

    static func model(_ endpoint: WebhookEndpoint, deliveries: Page<Delivery>, opened: (Delivery, [DeliveryAttempt])?, state: String?, _ words: Words) -> Model {
        let base = "/webhooks/\(endpoint.id.uuidString.lowercased())"
        let lines = deliveries.items.map { delivery in
            let open = opened?.0.id == delivery.id
            return Line(
                id: delivery.id, kind: words.label(delivery.notice.kind), summary: NoticeWording.summary(delivery.notice, words),
                state: words.label(delivery.state), stateValue: delivery.state.rawValue, tries: delivery.attempts,
                last: delivery.lastAt.map(words.date) ?? "—", lastStatus: delivery.lastStatus.map(String.init) ?? "—",
                lastAnswer: delivery.lastAnswer ?? "", next: delivery.state == .pending ? words.date(delivery.nextAt) : nil,
                canReplay: delivery.state != .pending, open: open,
                attempts: open ? (opened?.1 ?? []).map { attempt in
                    Attempt(number: attempt.number, at: words.date(attempt.at), status: attempt.status.map(String.init) ?? words.text("webhooks_no_answer"),
                            answer: attempt.answer, millis: "\(words.number(attempt.millis))\u{00A0}ms")
                } : [],
                href: "\(base)?delivery=\(delivery.id)#\(delivery.id)")
        }
        return Model(endpoint: WebhooksPage.line(endpoint, words), deliveries: lines,
                     olderHref: deliveries.nextCursor.map { "\(base)?cursor=\($0)\(state.map { "&state=\($0)" } ?? "")" },
                     states: [Choice(value: "", label: words.text("webhooks_all_states"), selected: state == nil)]
                        + Delivery.State.allCases.map { Choice(value: $0.rawValue, label: words.label($0), selected: $0.rawValue == state) })
    }
}

extension Delivery.State: PageLabel { static var labelPrefix: String { "delivery" } }
extension WebhookFormat: PageLabel { static var labelPrefix: String { "webhookformat" } }
