import BasculeCore
import Foundation

/// Action items: one's own first, the overdue ones, every open one, or all of them.
enum ActionsPage {
    struct Row: Sendable {
        let key: String
        let title: String
        let owner: String
        let due: String
        let status: String
        let overdue: Bool
        let open: Bool
        let meeting: String?
        let release: String?
        let review: String?
        let mayClose: Bool
    }

    struct Model: Sendable {
        let tabs: [Tab]
        let rows: [Row]
        let empty: String
        let view: String
    }

    struct Tab: Sendable {
        let href: String
        let label: String
        let current: Bool
    }

    enum View: String, CaseIterable { case mine, overdue, open, all }

    static func model(_ actions: [ActionItem], view: View, now: Date, _ words: Words) -> Model {
        let origin = RequestOrigin.current
        let me: String? = { if case .user(let identity) = origin.principal { return identity.username } else { return nil } }()
        return Model(
            tabs: View.allCases.map { Tab(href: "/actions?view=\($0.rawValue)", label: words.text("actions_view_\($0.rawValue)"), current: $0 == view) },
            rows: actions.map { action in
                Row(key: action.key.description, title: action.title, owner: action.owner, due: words.date(action.dueAt), status: words.label(action.status),
                    overdue: action.isOverdue(at: now), open: action.status == .open, meeting: action.meeting?.description,
                    release: action.release?.description, review: action.review?.description, mayClose: origin.may(.actionManage) || action.owner == me)
            },
            empty: words.text("actions_none_\(view.rawValue)"), view: view.rawValue)
    }
}
