import BasculeCore
import Foundation

/// The release calendar: a month or a week of days with the cutovers, maintenance windows and
/// milestones of each, the freezes shaded, and the releases in conflict listed with why.
enum CalendarPage {
    struct Entry: Sendable {
        let kind: String
        let title: String
        let time: String
        let until: String?
        let href: String?
        let status: String
        let conflicted: Bool
        let conflictTitle: String
    }

    struct Day: Sendable {
        let number: String
        let outside: Bool
        let today: Bool
        let frozen: Bool
        let freezeTitle: String
        let entries: [Entry]
    }

    struct Week: Sendable { let days: [Day] }
    struct EnvironmentOption: Sendable { let name: String; let selected: Bool }
    struct Conflicted: Sendable { let title: String; let href: String; let when: String; let conflicts: [CalendarTab.ConflictLine] }

    struct Model: Sendable {
        let title: String
        let week: Bool
        let month: Bool
        let date: String
        let weekdays: [String]
        let weeks: [Week]
        let previous: String
        let next: String
        let environment: String
        let team: String
        let ci: String
        let environments: [EnvironmentOption]
        let conflicted: [Conflicted]
        let hasConflicts: Bool
        let zone: String
        let feedPath: String?
    }

    struct Facts: Sendable {
        let entries: [CalendarEntry]
        let anchor: Date
        let week: Bool
        let start: Date
        let end: Date
        let title: String
        let environment: String?
        let team: String?
        let item: String?
        let environments: [String]
        let feedPath: String?
        let now: Date
    }

    static func model(_ facts: Facts, _ words: Words) -> Model {
        let formatting = words.formatting, calendar = formatting.calendar, language = words.language
        let dayNumber = Date.FormatStyle(locale: language.locale, calendar: calendar, timeZone: formatting.timeZone).day()
        let month = calendar.component(.month, from: facts.anchor)
        var days: [Day] = []
        var day = facts.start
        while day < facts.end {
            guard let next = calendar.date(byAdding: .day, value: 1, to: day) else { break }
            let span = DateInterval(start: day, end: next)
            let freezes = facts.entries.filter { $0.kind == .freeze && $0.end > span.start && $0.start < span.end }
            let shown = facts.entries.filter { $0.kind != .freeze && span.contains($0.start) && $0.start < next }
            days.append(Day(
                number: day.formatted(dayNumber), outside: !facts.week && calendar.component(.month, from: day) != month,
                today: calendar.isDate(day, inSameDayAs: facts.now), frozen: !freezes.isEmpty, freezeTitle: freezes.map(\.title).joined(separator: ", "),
                entries: shown.map { entry in
                    Entry(kind: entry.kind.rawValue, title: entry.title, time: words.time(entry.start), until: entry.end > entry.start ? words.time(entry.end) : nil,
                          href: entry.release.map { "/releases/\($0)?tab=calendar" } ?? entry.meeting.map { "/meetings/\($0)" }, status: entry.status?.rawValue ?? "", conflicted: !entry.conflicts.isEmpty,
                          conflictTitle: entry.conflicts.map { $0.explanation.text(for: language.rawValue) }.joined(separator: " · "))
                }))
            day = next
        }
        let conflicted = facts.entries.filter { $0.kind == .release && !$0.conflicts.isEmpty }
        func shifted(_ direction: Int) -> String {
            let target = facts.week ? calendar.date(byAdding: .day, value: direction * 7, to: facts.anchor) : calendar.date(byAdding: .month, value: direction, to: facts.anchor)
            var items = [URLQueryItem(name: "view", value: facts.week ? "week" : "month"), URLQueryItem(name: "date", value: dayText(target ?? facts.anchor, calendar))]
            for (name, value) in [("environment", facts.environment), ("team", facts.team), ("ci", facts.item)] {
                if let value { items.append(URLQueryItem(name: name, value: value)) }
            }
            var parts = URLComponents()
            parts.path = "/calendar"
            parts.queryItems = items
            return parts.string ?? "/calendar"
        }
        return Model(
            title: facts.title, week: facts.week, month: !facts.week, date: dayText(facts.anchor, calendar),
            weekdays: (0..<7).map { offset in
                (calendar.date(byAdding: .day, value: offset, to: facts.start) ?? facts.start)
                    .formatted(Date.FormatStyle(locale: language.locale, calendar: calendar, timeZone: formatting.timeZone).weekday(.abbreviated))
            },
            weeks: stride(from: 0, to: days.count, by: 7).map { Week(days: Array(days[$0..<min($0 + 7, days.count)])) },
            previous: shifted(-1), next: shifted(1), environment: facts.environment ?? "", team: facts.team ?? "", ci: facts.item ?? "",
            environments: facts.environments.map { EnvironmentOption(name: $0, selected: $0 == facts.environment) },
            conflicted: conflicted.map { entry in
                Conflicted(title: entry.title, href: "/releases/\(entry.release?.description ?? "")?tab=calendar", when: words.window(entry.start, entry.end),
                           conflicts: entry.conflicts.map { CalendarTab.line($0, words) })
            },
            hasConflicts: !conflicted.isEmpty, zone: formatting.zoneName, feedPath: facts.feedPath)
    }

    static func dayText(_ date: Date, _ calendar: Calendar) -> String {
        let p = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", p.year ?? 0, p.month ?? 0, p.day ?? 0)
    }
}
