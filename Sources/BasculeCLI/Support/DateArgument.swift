import BasculeAPI
import Foundation

/// Reads a date given on the command line: RFC 3339 with its offset (2027-03-05T22:00:00Z),
/// or wall time "2027-03-05T22:00" / "2027-03-05 22:00" in the given time zone.
enum DateArgument {
    static func parse(_ text: String, timeZone: TimeZone, option: String) throws -> Date {
        if let date = try? FlexibleDateTranscoder().decode(text) { return date }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        for pattern in ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss"] {
            formatter.dateFormat = pattern
            if let date = formatter.date(from: text) { return date }
        }
        throw CLIError.invalidOption("\(option) must be a date and time such as 2027-03-05T22:00 (in \(timeZone.identifier)) or 2027-03-05T21:00:00Z")
    }

    /// "now", or a date as `parse` reads it in BASCULE_TIMEZONE (Europe/Paris by default).
    static func parse(_ text: String, option: String) throws -> Date {
        if text.lowercased() == "now" { return Date() }
        return try parse(text, timeZone: try timeZone(nil), option: option)
    }

    static func timeZone(_ name: String?) throws -> TimeZone {
        let name = name ?? ProcessInfo.processInfo.environment["BASCULE_TIMEZONE"] ?? "Europe/Paris"
        guard let zone = TimeZone(identifier: name) else {
            throw CLIError.invalidOption("unknown time zone \(name); use an IANA name such as Europe/Paris")
        }
        return zone
    }

    static func display(_ date: Date, _ timeZone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }
}
