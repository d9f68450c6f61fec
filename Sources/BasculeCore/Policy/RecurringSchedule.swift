import Foundation

/// Which local days a recurring period falls on.
public enum RecurringDays: Sendable, Equatable {
    case everyDay
    case weekdays(Set<Weekday>)
    /// Days of the month, 1–31; a month without that day has no occurrence.
    case daysOfMonth(Set<Int>)
    /// Month and day, every year (12-24 is Christmas Eve).
    case yearly([MonthDay])

    func includes(_ year: Int, _ month: Int, _ day: Int, clock: PolicyClock) -> Bool {
        switch self {
        case .everyDay: return true
        case .weekdays(let days):
            guard let date = clock.instant(year: year, month: month, day: day, minutes: 12 * 60) else { return false }
            return days.contains(clock.weekday(of: date))
        case .daysOfMonth(let days): return days.contains(day)
        case .yearly(let dates): return dates.contains(MonthDay(month: month, day: day))
        }
    }

    var summary: LocalizedText {
        switch self {
        case .everyDay: return LocalizedText(en: "every day", fr: "tous les jours")
        case .weekdays(let days):
            let ordered = Weekday.allCases.filter(days.contains)
            return LocalizedText(en: ordered.map(\.name.en).joined(separator: ", "), fr: ordered.map(\.name.fr).joined(separator: ", "))
        case .daysOfMonth(let days):
            let list = days.sorted().map(String.init).joined(separator: ", ")
            return LocalizedText(en: "day \(list) of each month", fr: "le \(list) de chaque mois")
        case .yearly(let dates):
            let list = dates.map(\.text).joined(separator: ", ")
            return LocalizedText(en: "every year on \(list)", fr: "chaque année le \(list)")
        }
    }
}

public struct MonthDay: Sendable, Equatable, Hashable {
    public let month: Int
    public let day: Int

    /// Parses `MM-DD`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let month = Int(parts[0]), let day = Int(parts[1]),
              (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        self.month = month
        self.day = day
    }

    init(month: Int, day: Int) {
        self.month = month
        self.day = day
    }

    var text: String { (month < 10 ? "0" : "") + "\(month)-" + (day < 10 ? "0" : "") + "\(day)" }
}

/// A period that comes back: some days, between some hours, in the policy's local time.
public struct RecurringSchedule: Sendable, Equatable {
    public let days: RecurringDays
    public let hours: DailyHours

    public init(days: RecurringDays, hours: DailyHours = .wholeDay) {
        self.days = days
        self.hours = hours
    }

    /// Every occurrence that overlaps `interval`, as instants. Occurrences are built from
    /// local wall-clock times, so a 00:00-06:00 span lasts five hours on the spring-forward
    /// night and seven on the fall-back night, as the people on call live it.
    public func occurrences(overlapping interval: DateInterval, clock: PolicyClock) -> [DateInterval] {
        clock.days(around: interval).compactMap { year, month, day in
            guard days.includes(year, month, day, clock: clock),
                  let start = clock.instant(year: year, month: month, day: day, minutes: hours.start),
                  let end = clock.instant(year: year, month: month, day: day, minutes: hours.crossesMidnight ? 24 * 60 + hours.end : hours.end),
                  end > start
            else { return nil }
            let occurrence = DateInterval(start: start, end: end)
            return occurrence.end > interval.start && occurrence.start < interval.end ? occurrence : nil
        }
    }

    public var summary: LocalizedText {
        let days = days.summary
        if hours == .wholeDay { return days }
        return LocalizedText(en: "\(days.en), \(hours.text)", fr: "\(days.fr), \(hours.text)")
    }
}

extension Array where Element == DateInterval {
    /// The first instant of `interval` that none of these intervals covers, or nil when they
    /// cover it whole. Touching intervals count as one.
    func firstGap(in interval: DateInterval) -> Date? {
        var cursor = interval.start
        for piece in sorted(by: { $0.start < $1.start }) {
            if piece.start > cursor { break }
            if piece.end > cursor { cursor = piece.end }
            if cursor >= interval.end { return nil }
        }
        return cursor < interval.end ? cursor : nil
    }
}
