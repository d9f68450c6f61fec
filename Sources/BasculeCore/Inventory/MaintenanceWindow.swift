import Foundation

/// A period agreed with the business for work on some items or environments, once (the
/// datacentre move) or again and again (Sunday 01:00–05:00). Releases that touch what a
/// window covers are expected inside one of the windows that cover them.
public struct MaintenanceWindow: Sendable, Equatable, Identifiable {
    public enum Occurrence: Sendable, Equatable {
        case oneOff(DateInterval)
        /// In the window's own time zone: the Singapore datacentre keeps Singapore nights.
        case recurring(RecurringSchedule, TimeZone)
    }

    public let id: UUID
    public var name: String
    /// Empty means every environment.
    public var environments: [String]
    /// Empty means every item.
    public var items: [CIKey]
    public var occurrence: Occurrence
    public var revision: Int

    public init(id: UUID = UUID(), name: String, environments: [String] = [], items: [CIKey] = [], occurrence: Occurrence, revision: Int = 1) {
        self.id = id
        self.name = name
        self.environments = environments
        self.items = items
        self.occurrence = occurrence
        self.revision = revision
    }

    public func occurrences(overlapping interval: DateInterval) -> [DateInterval] {
        occurrences(overlapping: interval, clock: clock)
    }

    /// With a clock made once: building a calendar costs more than reading it.
    func occurrences(overlapping interval: DateInterval, clock: PolicyClock?) -> [DateInterval] {
        switch occurrence {
        case .oneOff(let window):
            return window.end > interval.start && window.start < interval.end ? [window] : []
        case .recurring(let schedule, let zone):
            return schedule.occurrences(overlapping: interval, clock: clock ?? PolicyClock(timeZone: zone))
        }
    }

    /// The clock of a recurring window's zone; nil for a one-off window.
    var clock: PolicyClock? {
        if case .recurring(_, let zone) = occurrence { return PolicyClock(timeZone: zone) }
        return nil
    }

    /// Whether the window is about a release to `environment` that modifies `items`.
    public func covers(environment: String?, items touched: Set<CIKey>) -> Bool {
        let environmentMatches = environments.isEmpty || environments.contains { $0.lowercased() == environment?.lowercased() }
        return environmentMatches && (items.isEmpty || items.contains(where: touched.contains))
    }

    public var summary: LocalizedText {
        switch occurrence {
        case .oneOff(let window):
            let clock = PolicyClock(timeZone: .gmt)
            let text = "\(clock.stamp(window.start)) – \(clock.stamp(window.end)) UTC"
            return LocalizedText(en: text, fr: text)
        case .recurring(let schedule, let zone):
            let text = schedule.summary
            return LocalizedText(en: "\(text.en) (\(zone.identifier))", fr: "\(text.fr) (\(zone.identifier))")
        }
    }
}

/// A maintenance window as typed: either `start` and `end`, or a recurrence.
public struct MaintenanceWindowInput: Sendable, Equatable {
    public struct Recurrence: Sendable, Equatable {
        public var days: [String]
        public var daysOfMonth: [Int]
        public var hours: String
        public var timeZone: String

        public init(days: [String] = [], daysOfMonth: [Int] = [], hours: String, timeZone: String) {
            self.days = days
            self.daysOfMonth = daysOfMonth
            self.hours = hours
            self.timeZone = timeZone
        }
    }

    public var name: String
    public var environments: [String]
    public var items: [String]
    public var start: Date?
    public var end: Date?
    public var recurrence: Recurrence?

    public init(name: String, environments: [String] = [], items: [String] = [], start: Date? = nil, end: Date? = nil, recurrence: Recurrence? = nil) {
        self.name = name
        self.environments = environments
        self.items = items
        self.start = start
        self.end = end
        self.recurrence = recurrence
    }

    /// Whether the items exist is the inventory's question; this checks the rest.
    public func validate(id: UUID = UUID()) throws(CoreError) -> MaintenanceWindow {
        var errors: [FieldError] = []
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { errors.append(FieldError("name", "is required")) }
        if trimmed.textLength > InventoryLimits.name { errors.append(FieldError("name", "must be at most \(InventoryLimits.name) characters")) }
        var keys: [CIKey] = []
        for raw in items {
            guard let key = CIKey(raw) else { errors.append(FieldError("items", "\"\(raw)\" \(CIKey.rule)")); continue }
            if !keys.contains(key) { keys.append(key) }
        }
        let environments = environments.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var occurrence: MaintenanceWindow.Occurrence?
        switch (start, end, recurrence) {
        case let (start?, end?, nil):
            if end > start { occurrence = .oneOff(DateInterval(start: start, end: end)) } else { errors.append(FieldError("end", "must be after start")) }
        case let (nil, nil, recurrence?):
            occurrence = Self.recurring(recurrence, errors: &errors)
        default:
            errors.append(FieldError("recurrence", "give either start and end, or a recurrence"))
        }
        guard errors.isEmpty, let occurrence else { throw .invalid(errors) }
        return MaintenanceWindow(id: id, name: trimmed, environments: environments, items: keys.sorted(), occurrence: occurrence)
    }

    private static func recurring(_ recurrence: Recurrence, errors: inout [FieldError]) -> MaintenanceWindow.Occurrence? {
        let zone = TimeZone(identifier: recurrence.timeZone)
        if zone == nil { errors.append(FieldError("recurrence.timeZone", "unknown time zone '\(recurrence.timeZone)' (use an IANA name such as Europe/Paris)")) }
        let hours = DailyHours(recurrence.hours)
        if hours == nil { errors.append(FieldError("recurrence.hours", "must be hours such as 22:00-04:00")) }
        var days = RecurringDays.everyDay
        if !recurrence.days.isEmpty, !recurrence.daysOfMonth.isEmpty {
            errors.append(FieldError("recurrence", "give days or daysOfMonth, not both"))
        } else if !recurrence.days.isEmpty {
            let parsed = recurrence.days.compactMap { Weekday(rawValue: $0.lowercased()) }
            if parsed.count != recurrence.days.count {
                errors.append(FieldError("recurrence.days", "must be days such as mon, tue, wed, thu, fri, sat, sun"))
            }
            days = .weekdays(Set(parsed))
        } else if !recurrence.daysOfMonth.isEmpty {
            if recurrence.daysOfMonth.contains(where: { !(1...31).contains($0) }) {
                errors.append(FieldError("recurrence.daysOfMonth", "must be days of the month, 1 to 31"))
            }
            days = .daysOfMonth(Set(recurrence.daysOfMonth))
        }
        guard let zone, let hours else { return nil }
        return .recurring(RecurringSchedule(days: days, hours: hours), zone)
    }
}

extension MaintenanceWindow {
    /// The input that would build this window again (for forms and exports).
    public var input: MaintenanceWindowInput {
        switch occurrence {
        case .oneOff(let window):
            return MaintenanceWindowInput(name: name, environments: environments, items: items.map(\.text), start: window.start, end: window.end)
        case .recurring(let schedule, let zone):
            var recurrence = MaintenanceWindowInput.Recurrence(hours: schedule.hours.text, timeZone: zone.identifier)
            switch schedule.days {
            case .weekdays(let days): recurrence.days = Weekday.allCases.filter(days.contains).map(\.rawValue)
            case .daysOfMonth(let days): recurrence.daysOfMonth = days.sorted()
            case .everyDay, .yearly: break
            }
            return MaintenanceWindowInput(name: name, environments: environments, items: items.map(\.text), recurrence: recurrence)
        }
    }
}
