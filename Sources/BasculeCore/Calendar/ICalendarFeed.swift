import Foundation

/// The calendar as an iCalendar (RFC 5545) feed that Outlook, Thunderbird or Google Calendar
/// subscribe to. Times are written in the policy's zone with its VTIMEZONE (the clock changes
/// of the period spelled out), so that a 22:00 cutover stays 22:00 on the reader's screen.
public struct ICalendarFeed: Sendable {
    public let name: String
    public let timeZone: TimeZone
    /// Where each release's page is, for the event's link: `https://bascule.example/releases/`.
    public let releaseURL: String?
    public let generatedAt: Date

    public init(name: String, timeZone: TimeZone, releaseURL: String?, generatedAt: Date) {
        self.name = name
        self.timeZone = timeZone
        self.releaseURL = releaseURL
        self.generatedAt = generatedAt
    }

    /// Recurring maintenance windows are written once each with their recurrence rule (in
    /// their own zone), not as hundreds of occurrences; `entries` should not repeat them.
    public func render(_ entries: [CalendarEntry], recurring: [MaintenanceWindow] = [], period: DateInterval) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Bascule//Release calendar//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
                     "X-WR-CALNAME:" + Self.escape(name), "X-WR-TIMEZONE:" + timeZone.identifier]
        var zones = [timeZone]
        for window in recurring {
            if case .recurring(_, let zone) = window.occurrence, !zones.contains(where: { $0.identifier == zone.identifier }) { zones.append(zone) }
        }
        for zone in zones { lines += timeZoneComponent(zone, period) }
        for entry in entries { lines += event(entry) }
        for window in recurring { lines += recurringEvent(window, period: period) }
        lines.append("END:VCALENDAR")
        return lines.map(Self.fold).joined(separator: "\r\n") + "\r\n"
    }

    private func event(_ entry: CalendarEntry) -> [String] {
        var lines = ["BEGIN:VEVENT", "UID:\(entry.uid)@bascule", "DTSTAMP:" + Self.utc(generatedAt),
                     "DTSTART;TZID=\(timeZone.identifier):" + local(entry.start)]
        if entry.end > entry.start { lines.append("DTEND;TZID=\(timeZone.identifier):" + local(entry.end)) }
        let warning = entry.conflicts.isEmpty ? "" : "⚠ "
        lines.append("SUMMARY:" + Self.escape(warning + entry.title))
        var description = [entry.detail]
        if !entry.items.isEmpty { description.append("Items: " + entry.items.map(\.text).joined(separator: ", ")) }
        if let environment = entry.environment { description.append("Environment: \(environment)") }
        description += entry.conflicts.map { "Conflict: " + $0.explanation.en }
        lines.append("DESCRIPTION:" + Self.escape(description.joined(separator: "\n")))
        lines.append("CATEGORIES:" + entry.kind.rawValue)
        if entry.kind == .freeze || entry.kind == .maintenance { lines.append("TRANSP:TRANSPARENT") }
        if let status = entry.status {
            let value = status == .planned || status == .draft ? "TENTATIVE" : status == .cancelled ? "CANCELLED" : "CONFIRMED"
            lines.append("STATUS:" + value)
        }
        if let key = entry.release, let base = releaseURL { lines.append("URL:" + base + key.description) }
        if entry.kind == .meeting {
            if let place = entry.place { lines.append("LOCATION:" + Self.escape(place)) }
            lines += entry.attendees.map { "ATTENDEE;CN=" + Self.parameter($0.name) + ";ROLE=REQ-PARTICIPANT:mailto:" + $0.email }
            lines.append("STATUS:" + (entry.cancelled ? "CANCELLED" : "CONFIRMED"))
            if let key = entry.meeting, let base = releaseURL, base.hasSuffix("/releases/") {
                lines.append("URL:" + base.dropLast("releases/".count) + "meetings/" + key.description)
            }
        }
        lines.append("END:VEVENT")
        return lines
    }

    /// A parameter value (RFC 5545 §3.2): quoted when it holds a separator, quotes removed.
    static func parameter(_ text: String) -> String {
        let clean = text.replacingOccurrences(of: "\"", with: "").filter { !$0.isNewline }
        return clean.contains(where: { ":;,".contains($0) }) ? "\"" + clean + "\"" : clean
    }

    /// A recurring maintenance window: its first occurrence in the period and an RRULE.
    private func recurringEvent(_ window: MaintenanceWindow, period: DateInterval) -> [String] {
        guard case .recurring(let schedule, let zone) = window.occurrence,
              let first = window.occurrences(overlapping: period).first else { return [] }
        let rule: String
        switch schedule.days {
        case .everyDay: rule = "FREQ=DAILY"
        case .weekdays(let days):
            rule = "FREQ=WEEKLY;BYDAY=" + Weekday.allCases.filter(days.contains).map { String($0.rawValue.prefix(2)).uppercased() }.joined(separator: ",")
        case .daysOfMonth(let days): rule = "FREQ=MONTHLY;BYMONTHDAY=" + days.sorted().map(String.init).joined(separator: ",")
        case .yearly(let dates):
            rule = "FREQ=YEARLY;BYMONTH=" + Set(dates.map(\.month)).sorted().map(String.init).joined(separator: ",")
                + ";BYMONTHDAY=" + Set(dates.map(\.day)).sorted().map(String.init).joined(separator: ",")
        }
        func local(_ date: Date) -> String { Self.stamp(date, offset: zone.secondsFromGMT(for: date)) }
        var description = [window.summary.en]
        if !window.environments.isEmpty { description.append("Environments: " + window.environments.joined(separator: ", ")) }
        if !window.items.isEmpty { description.append("Items: " + window.items.map(\.text).joined(separator: ", ")) }
        return ["BEGIN:VEVENT", "UID:maintenance-\(window.id.uuidString.lowercased())@bascule", "DTSTAMP:" + Self.utc(generatedAt),
                "DTSTART;TZID=\(zone.identifier):" + local(first.start), "DTEND;TZID=\(zone.identifier):" + local(first.end),
                "RRULE:" + rule, "SUMMARY:" + Self.escape(window.name), "DESCRIPTION:" + Self.escape(description.joined(separator: "\n")),
                "CATEGORIES:maintenance", "TRANSP:TRANSPARENT", "END:VEVENT"]
    }

    /// One observance for the start of the period, then one per clock change inside it.
    private func timeZoneComponent(_ zone: TimeZone, _ period: DateInterval) -> [String] {
        var lines = ["BEGIN:VTIMEZONE", "TZID:" + zone.identifier]
        let first = Date(timeIntervalSince1970: ((period.start.timeIntervalSince1970 - 86_400) / 3600).rounded(.down) * 3600)
        let offset = zone.secondsFromGMT(for: first)
        lines += observance(zone, at: first, from: offset, to: offset)
        var cursor = first
        while let change = zone.nextDaylightSavingTimeTransition(after: cursor), change < period.end.addingTimeInterval(86_400) {
            let before = zone.secondsFromGMT(for: change.addingTimeInterval(-1)), after = zone.secondsFromGMT(for: change)
            lines += observance(zone, at: change, from: before, to: after)
            cursor = change
        }
        lines.append("END:VTIMEZONE")
        return lines
    }

    private func observance(_ timeZone: TimeZone, at instant: Date, from: Int, to: Int) -> [String] {
        let daylight = timeZone.isDaylightSavingTime(for: instant)
        let kind = daylight ? "DAYLIGHT" : "STANDARD"
        var lines = ["BEGIN:\(kind)", "DTSTART:" + Self.stamp(instant, offset: from), "TZOFFSETFROM:" + Self.offset(from), "TZOFFSETTO:" + Self.offset(to)]
        if let abbreviation = timeZone.abbreviation(for: instant), !abbreviation.hasPrefix("GMT") { lines.append("TZNAME:" + abbreviation) }
        lines.append("END:\(kind)")
        return lines
    }

    private func local(_ date: Date) -> String { Self.stamp(date, offset: timeZone.secondsFromGMT(for: date)) }

    static func utc(_ date: Date) -> String { stamp(date, offset: 0) + "Z" }

    /// `20261205T220000`: the wall-clock time at `offset` seconds from UTC.
    static func stamp(_ date: Date, offset: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? .gmt
        let shifted = date.addingTimeInterval(TimeInterval(offset))
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: shifted)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return String(format: "%04d", p.year ?? 0) + two(p.month) + two(p.day) + "T" + two(p.hour) + two(p.minute) + two(p.second)
    }

    static func offset(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+", magnitude = abs(seconds)
        return sign + String(format: "%02d%02d", magnitude / 3600, (magnitude % 3600) / 60)
    }

    /// TEXT values: backslash, semicolon, comma and line breaks escaped (RFC 5545 3.3.11).
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ";", with: "\\;")
            .replacingOccurrences(of: ",", with: "\\,").replacingOccurrences(of: "\r\n", with: "\\n").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Lines longer than 75 octets continue on the next line after a space, never inside a
    /// UTF-8 sequence (RFC 5545 3.1).
    static func fold(_ line: String) -> String {
        var result = "", count = 0, limit = 75
        for character in line {
            let size = String(character).utf8.count
            if count + size > limit {
                result += "\r\n "
                count = 0
                limit = 74
            }
            result.append(character)
            count += size
        }
        return result
    }
}
