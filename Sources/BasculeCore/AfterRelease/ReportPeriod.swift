import Foundation

/// The period a report covers: a day, a week (Monday first, ISO 8601) or a calendar month,
/// in the policy's time zone, so that "this week" means the same for every reader.
public enum ReportPeriod: String, Sendable, CaseIterable, Codable {
    case daily, weekly, monthly

    public init(parsing text: String) throws(CoreError) {
        guard let period = ReportPeriod(rawValue: text.lowercased()) else {
            throw .invalid([FieldError("period", "must be daily, weekly or monthly (not \"\(text)\")")])
        }
        self = period
    }

    private func calendar(_ timeZone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = timeZone
        calendar.firstWeekday = 2
        calendar.minimumDaysInFirstWeek = 4
        return calendar
    }

    private var component: Calendar.Component {
        switch self {
        case .daily: .day
        case .weekly: .weekOfYear
        case .monthly: .month
        }
    }

    /// The period that holds `date`.
    public func interval(containing date: Date, timeZone: TimeZone) -> DateInterval {
        let calendar = calendar(timeZone)
        let unit: Calendar.Component = self == .weekly ? .weekOfYear : component
        return calendar.dateInterval(of: unit, for: date) ?? DateInterval(start: date, duration: 86_400)
    }

    /// The period `offset` periods after the one that holds `date` (negative: before).
    public func interval(containing date: Date, offset: Int, timeZone: TimeZone) -> DateInterval {
        let calendar = calendar(timeZone)
        let start = interval(containing: date, timeZone: timeZone).start
        let shifted = calendar.date(byAdding: component, value: offset, to: start) ?? start
        return interval(containing: shifted.addingTimeInterval(1), timeZone: timeZone)
    }

    /// The period before the current one: a report is read once its period is over.
    public func lastComplete(at now: Date, timeZone: TimeZone) -> DateInterval {
        interval(containing: now, offset: -1, timeZone: timeZone)
    }
}
