/// A day of the week as the policy names it (`mon` … `sun`).
public enum Weekday: String, Sendable, CaseIterable, Codable, Hashable {
    case mon, tue, wed, thu, fri, sat, sun

    /// From Foundation's `Calendar` numbering, where Sunday is 1.
    public init(calendarWeekday: Int) {
        self = [.sun, .mon, .tue, .wed, .thu, .fri, .sat][(calendarWeekday - 1 + 7) % 7]
    }

    public var name: LocalizedText {
        switch self {
        case .mon: return LocalizedText(en: "Monday", fr: "lundi")
        case .tue: return LocalizedText(en: "Tuesday", fr: "mardi")
        case .wed: return LocalizedText(en: "Wednesday", fr: "mercredi")
        case .thu: return LocalizedText(en: "Thursday", fr: "jeudi")
        case .fri: return LocalizedText(en: "Friday", fr: "vendredi")
        case .sat: return LocalizedText(en: "Saturday", fr: "samedi")
        case .sun: return LocalizedText(en: "Sunday", fr: "dimanche")
        }
    }
}
