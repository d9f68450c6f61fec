import BasculeCore
import Foundation
import Hummingbird

/// What every page shows around its content: who is signed in, the sections they may open,
/// the language switch, and the message that confirms the action just done.
struct PageShell: Sendable {
    struct Section: Sendable {
        let label: String
        let href: String
        let current: Bool
    }

    let user: String?
    let roles: String
    let csrf: String
    let lang: String
    let otherLang: String
    let title: String
    let timeZone: String
    let version: String
    let switchLanguageHref: String
    let nav: [Section]
    /// "Plan saved.": set from `?done=<key>` after a redirect, only for keys of the table.
    let flash: String?
    /// The link to one's inbox with its unread count, for those who have one.
    let inbox: InboxLink?

    struct InboxLink: Sendable {
        let unread: Bool
        let count: String
        let label: String
    }

    /// The sections of the product and what opening each needs; one not built yet is not shown.
    private static let sections: [(key: String, href: String, needs: Permission)] = [
        ("nav_home", "/home", .releaseRead), ("nav_releases", "/releases", .releaseRead), ("nav_calendar", "/calendar", .releaseRead),
        ("nav_inventory", "/inventory", .inventoryRead), ("nav_runbooks", "/runbooks", .releaseRead), ("nav_approvals", "/approvals", .releaseRead), ("nav_meetings", "/meetings", .meetingRead), ("nav_reports", "/reports", .incidentRead), ("nav_policy", "/policy", .policyRead), ("nav_agents", "/agents", .agentRead), ("nav_people", "/people", .teamRead),
    ]

    init(request: Request, title: String, words: Words) {
        let origin = RequestOrigin.current
        let language = words.language
        let returnTo = request.uri.description.hasPrefix("/") ? request.uri.description : "/home"
        var user: String?
        var roles: [Role] = []
        if case .user(let identity) = origin.principal {
            user = identity.username
            roles = identity.roles.sorted()
        }
        let path = request.uri.path
        let done = request.uri.queryParameters.get("done").map { "done_" + $0 }
        self.init(
            user: user, roles: roles.map(words.label).joined(separator: ", "), csrf: origin.csrfToken ?? "",
            lang: language.rawValue, otherLang: language.other.rawValue, title: title, timeZone: words.formatting.zoneName,
            version: BasculeVersion.current,
            switchLanguageHref: "/language/\(language.other.rawValue)?return=" + (returnTo.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"),
            nav: user == nil ? [] : Self.sections.filter { origin.may($0.needs) }.map {
                Section(label: words.text($0.key), href: $0.href, current: path.hasPrefix($0.href))
            },
            flash: done.flatMap { words.localizer.has($0) ? words.text($0) : nil },
            inbox: user != nil && origin.may(.notificationsOwn) ? Self.inbox(InboxBadge.unread, words) : nil)
    }

    static func inbox(_ unread: Int, _ words: Words) -> InboxLink {
        InboxLink(unread: unread > 0, count: unread > 99 ? "99+" : words.number(unread), label: words.count("notifications_unread", unread))
    }

    init(user: String?, roles: String, csrf: String, lang: String, otherLang: String, title: String, timeZone: String,
         version: String, switchLanguageHref: String, nav: [Section], flash: String?, inbox: InboxLink? = nil) {
        self.user = user
        self.roles = roles
        self.csrf = csrf
        self.lang = lang
        self.otherLang = otherLang
        self.title = title
        self.timeZone = timeZone
        self.version = version
        self.switchLanguageHref = switchLanguageHref
        self.nav = nav
        self.flash = flash
        self.inbox = inbox
    }
}

/// What a template sees: the words of the page's language, the shell and the page's own model.
struct PageContext<Model: Sendable>: Sendable {
    let t: [String: String]
    let shell: PageShell
    let page: Model
}
