import Foundation

/// Local time in the policy's time zone: the calendar that recurring rules are written in,
/// and the way instants are shown in explanations ("Friday 2027-03-05 14:00 Europe/Paris").
public struct PolicyClock: Sendable {
    public let timeZone: TimeZone
    public let calendar: Calendar

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        calendar.locale = Locale(identifier: "en_US_POSIX")
        self.calendar = calendar
    }

    public func weekday(of date: Date) -> Weekday {
        Weekday(calendarWeekday: calendar.component(.weekday, from: date))
    }

    /// `2027-03-05 14:00`, in local time.
    public func stamp(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return "\(parts.year ?? 0)-\(Self.pad(parts.month))-\(Self.pad(parts.day)) \(Self.pad(parts.hour)):\(Self.pad(parts.minute))"
    }

    /// `Friday 2027-03-05 14:00 Europe/Paris` and `vendredi 2027-03-05 14:00 Europe/Paris`.
    public func describe(_ date: Date) -> LocalizedText {
        let day = weekday(of: date).name
        let rest = stamp(date) + " " + timeZone.identifier
        return LocalizedText(en: day.en + " " + rest, fr: day.fr + " " + rest)
    }

    /// The instant of a local wall-clock time. A time skipped by a clock change (02:30 on the
    /// spring-forward night) is taken as the first instant after the gap; a time that happens
    /// twice (the fall-back night) as its first occurrence.
    public func instant(year: Int, month: Int, day: Int, minutes: Int) -> Date? {
        guard let noon = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: 12)),
              let target = calendar.date(byAdding: .day, value: minutes / (24 * 60), to: noon)
        else { return nil }
        let startOfDay = calendar.startOfDay(for: target)
        let rest = minutes % (24 * 60)
        if rest == 0 { return startOfDay }
        return calendar.date(bySettingHour: rest / 60, minute: rest % 60, second: 0, of: startOfDay,
                             matchingPolicy: .nextTime, repeatedTimePolicy: .first, direction: .forward)
    }

    /// The local calendar days (year, month, day) that the interval touches, one day either
    /// side included so that spans running past midnight are found.
    func days(around interval: DateInterval) -> [(year: Int, month: Int, day: Int)] {
        var result: [(Int, Int, Int)] = []
        guard var day = calendar.date(byAdding: .day, value: -1, to: calendar.startOfDay(for: interval.start)) else { return [] }
        let last = interval.end
        while day <= last, result.count < 4_000 {
            let parts = calendar.dateComponents([.year, .month, .day], from: day)
            result.append((parts.year ?? 0, parts.month ?? 1, parts.day ?? 1))
            guard let next = calendar.date(byAdding: .day, value: 1, to: day) else { break }
            day = next
        }
        return result
    }

    private static func pad(_ value: Int?) -> String {
        let value = value ?? 0
        return value < 10 ? "0\(value)" : String(value)
    }
}
