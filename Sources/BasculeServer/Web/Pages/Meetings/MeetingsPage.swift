import BasculeCore
import Foundation

/// The meetings: those coming and those of the last four weeks, the weekly series, and the
/// forms to plan a meeting and to start a series.
enum MeetingsPage {
    struct Line: Sendable {
        let key: String
        let href: String
        let when: String
        let kind: String
        let title: String
        let place: String
        let agenda: String
        let status: String
    }

    struct SeriesLine: Sendable {
        let id: String
        let name: String
        let every: String
        let duration: String
        let people: String
        let ended: String?
    }

    struct Model: Sendable {
        let coming: [Line]
        let past: [Line]
        let series: [SeriesLine]
        let kinds: [Choice]
        let formKinds: [Choice]
        let weekdays: [Choice]
        let mine: Bool
        let mayManage: Bool
        let errors: [String]
        let start: String
        let end: String
        let timeZone: String
    }

    static func model(_ meetings: [Meeting], series: [MeetingSeries], kind: MeetingKind?, mine: Bool, now: Date, errors: [FieldError] = [],
                      _ words: Words) -> Model {
        let next = Calendar(identifier: .gregorian).date(byAdding: .day, value: 1, to: now) ?? now
        return Model(
            coming: meetings.filter { $0.fields.end >= now }.map { line($0, words) },
            past: meetings.filter { $0.fields.end < now }.reversed().map { line($0, words) },
            series: series.map { series in
                SeriesLine(id: series.id.uuidString.lowercased(), name: series.name,
                           every: words.text("meetings_every", ["day": series.weekday.name.text(for: words.language.rawValue), "time": series.time]),
                           duration: words.duration(TimeInterval(series.durationMinutes * 60)),
                           people: (series.attendees + series.teams).joined(separator: ", "),
                           ended: series.endedAt.map { words.text("meetings_series_ended", ["at": words.day($0)]) })
            },
            kinds: [Choice(value: "", label: words.text("meetings_any_kind"), selected: kind == nil)]
                + MeetingKind.allCases.map { Choice(value: $0.rawValue, label: words.label($0), selected: $0 == kind) },
            formKinds: MeetingKind.allCases.map { Choice(value: $0.rawValue, label: words.label($0), selected: $0 == .cab) },
            weekdays: Weekday.allCases.map { Choice(value: $0.rawValue, label: $0.name.text(for: words.language.rawValue), selected: $0 == .tue) },
            mine: mine, mayManage: RequestOrigin.current.may(.meetingManage), errors: errors.map(words.error),
            start: words.formatting.inputValue(next), end: words.formatting.inputValue(next.addingTimeInterval(3600)), timeZone: words.formatting.zoneName)
    }

    static func line(_ meeting: Meeting, _ words: Words) -> Line {
        Line(key: meeting.key.description, href: "/meetings/\(meeting.key)", when: words.window(meeting.fields.start, meeting.fields.end),
             kind: words.label(meeting.fields.kind), title: meeting.fields.title, place: meeting.fields.place,
             agenda: meeting.agenda.isEmpty ? "—" : words.number(meeting.agenda.count), status: words.label(meeting.status))
    }
}
