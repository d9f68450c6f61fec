import BasculeCore
import Foundation

/// On the release's overview: the meetings that had it on their agenda, and the actions
/// handed out on it or in its review, the overdue ones marked.
struct MeetingsPanel: Sendable {
    struct MeetingLine: Sendable {
        let key: String
        let href: String
        let label: String
    }

    struct ActionLine: Sendable {
        let key: String
        let title: String
        let owner: String
        let due: String
        let status: String
        let overdue: Bool
    }

    let meetings: [MeetingLine]
    let actions: [ActionLine]

    /// Nil when no meeting discussed it and no action was handed out on it.
    static func model(meetings: [Meeting], actions: [ActionItem], now: Date, _ words: Words) -> MeetingsPanel? {
        guard !meetings.isEmpty || !actions.isEmpty else { return nil }
        return MeetingsPanel(
            meetings: meetings.map { meeting in
                MeetingLine(key: meeting.key.description, href: "/meetings/\(meeting.key)",
                            label: "\(words.label(meeting.fields.kind)) · \(words.date(meeting.fields.start)) · \(words.label(meeting.status))")
            },
            actions: actions.map { action in
                ActionLine(key: action.key.description, title: action.title, owner: action.owner, due: words.date(action.dueAt),
                           status: words.label(action.status), overdue: action.isOverdue(at: now))
            })
    }
}
