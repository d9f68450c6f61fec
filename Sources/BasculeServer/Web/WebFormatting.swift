import Foundation

/// Dates as people read and type them on the pages, in the configured time zone.
struct WebFormatting: Sendable {
    let timeZone: TimeZone

    /// "Fri 5 Mar 2027, 22:00" / "ven. 5 mars 2027, 22:00".
    func display(_ date: Date, _ language: Language) -> String {
        date.formatted(Date.FormatStyle(locale: language.locale, calendar: calendar, timeZone: timeZone)
            .weekday(.abbreviated).day().month(.abbreviated).year().hour(.twoDigits(amPM: .omitted)).minute(.twoDigits))
    }

    /// "Mon 30 Nov 2026" / "lun. 30 nov. 2026": a day, for the periods of reports.
    func displayDay(_ date: Date, _ language: Language) -> String {
        date.formatted(Date.FormatStyle(locale: language.locale, calendar: calendar, timeZone: timeZone).weekday(.abbreviated).day().month(.abbreviated).year())
    }

    /// "Sun 15 Nov 2026, 21:00 → 01:00 (+1)": the end shows only what differs from the start.
    func displayWindow(_ start: Date, _ end: Date, _ language: Language) -> String {
        let days = calendar.dateComponents([.day], from: calendar.startOfDay(for: start), to: calendar.startOfDay(for: end)).day ?? 0
        let endText: String
        if days <= 1 {
            endText = clock(end, language)
                + (days == 1 ? " (+1)" : "")
        } else {
            endText = display(end, language)
        }
        return display(start, language) + " → " + endText
    }

    /// "08:05": the 24-hour clock in either language.
    func clock(_ date: Date, _ language: Language) -> String {
        date.formatted(Date.FormatStyle(locale: language.locale, calendar: calendar, timeZone: timeZone).hour(.twoDigits(amPM: .omitted)).minute(.twoDigits))
    }

    /// The value of an `<input type="datetime-local">`: local wall time, no zone.
    func inputValue(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
    }

    /// Reads "2027-03-05T22:00" (seconds optional) as wall time in the configured zone.
    /// A wall time that falls in a daylight-saving gap is moved forward, as clocks do.
    func parseInput(_ text: String) -> Date? {
        let pattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/
        guard let match = text.trimmingCharacters(in: .whitespaces).wholeMatch(of: pattern) else { return nil }
        var parts = DateComponents()
        parts.year = Int(match.1)
        parts.month = Int(match.2)
        parts.day = Int(match.3)
        parts.hour = Int(match.4)
        parts.minute = Int(match.5)
        parts.second = match.6.flatMap { Int($0) } ?? 0
        guard let month = parts.month, (1...12).contains(month), let day = parts.day, (1...31).contains(day),
              let hour = parts.hour, hour < 24, let minute = parts.minute, minute < 60,
              let date = calendar.date(from: parts),
              calendar.component(.day, from: date) == day, calendar.component(.month, from: date) == month
        else { return nil }
        return date
    }

    var zoneName: String { timeZone.identifier }

    var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }
}
