import Foundation

/// A meeting held again every week at the same local time (a CAB every Tuesday at 14:00 in the
/// policy's time zone): its occurrences are stored as meetings a few weeks ahead, so that each
/// gets its agenda, minutes and actions.
public struct MeetingSeries: Sendable, Equatable {
    /// How far ahead occurrences exist as meetings.
    public static let horizon: TimeInterval = 8 * 7 * 86_400
    public let id: UUID
    public var name: String
    public var kind: MeetingKind
    public var weekday: Weekday
    /// Minutes after local midnight: 14:00 is 840.
    public var minuteOfDay: Int
    public var durationMinutes: Int
    public var place: String
    public var attendees: [String]
    public var teams: [String]
    /// No occurrence before this instant.
    public let startsAt: Date
    public let createdBy: String
    public let createdAt: Date
    /// Set when the series was stopped: no occurrence after it.
    public var endedAt: Date?

    public init(id: UUID = UUID(), name: String, kind: MeetingKind, weekday: Weekday, minuteOfDay: Int, durationMinutes: Int, place: String = "",
                attendees: [String] = [], teams: [String] = [], startsAt: Date, createdBy: String, createdAt: Date, endedAt: Date? = nil) {
        self.id = id
        self.name = name
        self.kind = kind
        self.weekday = weekday
        self.minuteOfDay = minuteOfDay
        self.durationMinutes = durationMinutes
        self.place = place
        self.attendees = attendees
        self.teams = teams
        self.startsAt = startsAt
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.endedAt = endedAt
    }

    /// Checked as a person typed it; `time` is `HH:MM`, local.
    public static func validated(name: String, kind: MeetingKind, weekday: String, time: String, durationMinutes: Int, place: String,
                                 attendees: [String], teams: [String], startsAt: Date, createdBy: String, createdAt: Date) throws(CoreError) -> MeetingSeries {
        var problems: [FieldError] = []
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed.count > 120 { problems.append(FieldError("name", "must be 1 to 120 characters")) }
        if let refused = TextRule.checkSingleLine(trimmed, field: "name") { problems.append(refused) }
        let spelled = weekday.trimmingCharacters(in: .whitespaces).lowercased()
        let day = Weekday.allCases.first { $0.name.en.lowercased() == spelled || $0.rawValue == spelled }
        if day == nil { problems.append(FieldError("weekday", "must be a day of the week in English (tue or tuesday)")) }
        let minute = Self.minute(of: time)
        if minute == nil { problems.append(FieldError("time", "must be a local time HH:MM (14:00)")) }
        if !(5...720).contains(durationMinutes) { problems.append(FieldError("durationMinutes", "must be 5 to 720 minutes")) }
        let fields = MeetingFields(kind: kind, title: trimmed.isEmpty ? "-" : trimmed, start: startsAt, end: startsAt.addingTimeInterval(60),
                                   place: place, attendees: attendees, teams: teams)
        var checked = fields
        do { checked = try fields.validated() } catch {
            if case .invalid(let more) = error { problems += more.filter { $0.field != "title" } }
        }
        guard problems.isEmpty, let day, let minute else { throw .invalid(problems) }
        return MeetingSeries(name: trimmed, kind: kind, weekday: day, minuteOfDay: minute, durationMinutes: durationMinutes, place: checked.place,
                             attendees: checked.attendees, teams: checked.teams, startsAt: startsAt, createdBy: createdBy, createdAt: createdAt)
    }

    static func minute(of time: String) -> Int? {
        let parts = time.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ (1...2).contains($0.count) && $0.allSatisfy(\.isASCII) }),
              let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour), (0..<60).contains(minute) else { return nil }
        return hour * 60 + minute
    }

    /// `14:00`.
    public var time: String {
        String(format: "%02d:%02d", minuteOfDay / 60, minuteOfDay % 60)
    }

    /// The starts of the occurrences inside `interval`, in local time of `clock` (a clock
    /// change keeps the meeting at 14:00 local), none before the series starts or after it ended.
    public func occurrences(in interval: DateInterval, clock: PolicyClock) -> [Date] {
        var starts: [Date] = []
        for day in clock.days(around: interval) {
            guard let start = clock.instant(year: day.year, month: day.month, day: day.day, minutes: minuteOfDay),
                  clock.weekday(of: start) == weekday, start >= startsAt, start >= interval.start, start < interval.end else { continue }
            if let endedAt, start >= endedAt { continue }
            if starts.last != start { starts.append(start) }
        }
        return starts
    }

    /// The meeting of one occurrence, before it gets its key.
    public func fields(at start: Date) -> MeetingFields {
        MeetingFields(kind: kind, title: name, start: start, end: start.addingTimeInterval(TimeInterval(durationMinutes * 60)), place: place,
                      attendees: attendees, teams: teams)
    }
}
