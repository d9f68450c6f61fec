import BasculeCore
import BasculeStore
import Foundation

/// One's inbox (newest first, unread ones marked), one's subscriptions with the form to add
/// one, the language of one's e-mails and a test notification.
enum NotificationsPage {
    struct Line: Sendable {
        let id: Int64
        let summary: String
        let at: String
        let kind: String
        let href: String?
        let unread: Bool
    }

    struct Followed: Sendable {
        let id: String
        let scope: String
        let kinds: String
        let channels: String
    }

    struct Model: Sendable {
        let lines: [Line]
        let unread: Int
        let unreadText: String
        let onlyUnread: Bool
        let olderHref: String?
        let subscriptions: [Followed]
        let scopes: [Choice]
        let kinds: [Choice]
        let channels: [Choice]
        let languages: [Choice]
        let errors: [String]
        let canManageWebhooks: Bool
    }

    static func model(_ inbox: NotificationService.Inbox, onlyUnread: Bool, subscriptions: [Subscription], language: String,
                      errors: [FieldError] = [], _ words: Words) -> Model {
        let lines = inbox.lines.map { line in
            Line(id: line.id, summary: NoticeWording.summary(line.notice, words), at: words.date(line.notice.at), kind: words.label(line.notice.kind),
                 href: NoticeWording.path(line.notice), unread: line.readAt == nil)
        }
        let followed = subscriptions.map { subscription in
            Followed(id: subscription.id.uuidString.lowercased(), scope: scope(subscription.scope, words),
                     kinds: subscription.kinds.isEmpty ? words.text("notifications_every_kind") : subscription.kinds.map(words.label).sorted().joined(separator: ", "),
                     channels: subscription.channels.sorted().map(words.label).joined(separator: ", "))
        }
        let followable = NoticeKind.allCases.filter { !$0.isPersonal }
        return Model(
            lines: lines, unread: inbox.unread, unreadText: words.count("notifications_unread", inbox.unread), onlyUnread: onlyUnread,
            olderHref: inbox.nextCursor.map { "/notifications?cursor=\($0)\(onlyUnread ? "&unread=1" : "")" },
            subscriptions: followed,
            scopes: ["release", "tag", "item", "environment", "everything"].map { Choice(value: $0, label: words.text("scope_\($0)"), selected: $0 == "release") },
            kinds: followable.map { Choice(value: $0.rawValue, label: words.label($0), selected: false) },
            channels: NoticeChannel.allCases.map { Choice(value: $0.rawValue, label: words.label($0), selected: $0 == .inbox) },
            languages: ["en", "fr"].map { Choice(value: $0, label: words.text("language_\($0)"), selected: $0 == language) },
            errors: errors.map(words.error), canManageWebhooks: RequestOrigin.current.may(.webhookManage))
    }

    static func scope(_ scope: SubscriptionScope, _ words: Words) -> String {
        scope == .everything ? words.text("scope_everything") : "\(words.text("scope_\(scope.kind)")) \(scope.value)"
    }
}

extension NoticeKind: PageLabel { static var labelPrefix: String { "noticekind" } }
extension NoticeChannel: PageLabel { static var labelPrefix: String { "channel" } }
