/// A span of the day such as `20:00-06:00`, in minutes after local midnight. A span whose
/// end is not after its start runs past midnight into the next day; `00:00-24:00` is the
/// whole day.
public struct DailyHours: Sendable, Equatable, Hashable {
    public let start: Int
    public let end: Int

    public static let wholeDay = DailyHours(start: 0, end: 24 * 60)

    init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    /// Parses `HH:MM-HH:MM`; nil when it is not that shape or a time is out of range.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let start = Self.minutes(parts[0]), let end = Self.minutes(parts[1]),
              start < 24 * 60, start != end || start == 0
        else { return nil }
        self.start = start
        self.end = end == 0 && start == 0 ? 24 * 60 : end
    }

    /// Minutes the span lasts on a day without a clock change.
    public var length: Int { end > start ? end - start : 24 * 60 - start + end }

    public var crossesMidnight: Bool { end <= start }

    public var text: String { "\(Self.clock(start))-\(Self.clock(end))" }

    static func clock(_ minutes: Int) -> String {
        let hours = minutes / 60, rest = minutes % 60
        return (hours < 10 ? "0" : "") + String(hours) + ":" + (rest < 10 ? "0" : "") + String(rest)
    }

    private static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let hours = Int(parts[0]), let minutes = Int(parts[1]),
              (0...24).contains(hours), (0...59).contains(minutes), hours < 24 || minutes == 0
        else { return nil }
        return hours * 60 + minutes
    }
}
