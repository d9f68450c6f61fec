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

    struct Lesson: Sendable {
        let release: String
        let href: String
        let title: String
        let closure: String?
        let html: String
    }

    let meetings: [MeetingLine]
    let actions: [ActionLine]
    /// The release's review: where it is and its state.
    let review: MeetingLine?
    /// What the last reviews of the same application left for this one.
    let lessons: [Lesson]
    let recommended: [ActionLine]

    /// Nil when no meeting discussed it, no action was handed out on it, it has no review and
    /// nothing is recommended.
    static func model(meetings: [Meeting], actions: [ActionItem], review: Review?, recommendations: ReviewService.Recommendations?, now: Date,
                      _ words: Words) -> MeetingsPanel? {
        let lessons = recommendations?.lessons ?? [], recommended = recommendations?.actions ?? []
        guard !meetings.isEmpty || !actions.isEmpty || review != nil || !lessons.isEmpty || !recommended.isEmpty else { return nil }
        func line(_ action: ActionItem) -> ActionLine {
            ActionLine(key: action.key.description, title: action.title, owner: action.owner, due: words.date(action.dueAt),
                       status: words.label(action.status), overdue: action.isOverdue(at: now))
        }
        return MeetingsPanel(
            meetings: meetings.map { meeting in
                MeetingLine(key: meeting.key.description, href: "/meetings/\(meeting.key)",
                            label: "\(words.label(meeting.fields.kind)) · \(words.date(meeting.fields.start)) · \(words.label(meeting.status))")
            },
            actions: actions.map(line),
            review: review.map { MeetingLine(key: $0.release.description, href: "/releases/\($0.release)/review", label: words.label($0.status)) },
            lessons: lessons.map {
                Lesson(release: $0.release.description, href: "/releases/\($0.release)/review", title: $0.title, closure: $0.closure.map(words.label),
                       html: MarkdownRenderer.html($0.lessons))
            },
            recommended: recommended.map(line))
    }
}
