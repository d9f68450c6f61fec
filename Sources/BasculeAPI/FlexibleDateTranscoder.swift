import Foundation
import OpenAPIRuntime

/// RFC 3339 timestamps with or without fractional seconds: browsers send milliseconds,
/// people and shell scripts do not. Writes whole seconds unless a fraction is there.
public struct FlexibleDateTranscoder: DateTranscoder {
    public init() {}

    public func encode(_ date: Date) throws -> String {
        Self.format(date)
    }

    /// Whole seconds, or milliseconds when there is a fraction.
    static func format(_ date: Date) -> String { RFC3339.string(date, milliseconds: .whenPresent) }

    public func decode(_ text: String) throws -> Date {
        // Foundation's parser is lenient (it reads 12:99 as 13:39): check the grammar first.
        if Self.isWellFormed(text) {
            if let date = try? Self.wholeSeconds.parse(text) { return date }
            if let date = try? Self.withFraction.parse(text) { return date }
        }
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: Self.failure + text))
    }

    /// Starts the message of a failed decoding, followed by the text that failed.
    public static let failure = "Expected an RFC 3339 date-time, got: "

    /// RFC 3339 `date-time`, with each field in its range.
    static func isWellFormed(_ text: String) -> Bool {
        let pattern = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-](\d{2}):(\d{2}))$/
        guard let match = text.wholeMatch(of: pattern),
              let month = Int(match.2), let day = Int(match.3), let hour = Int(match.4), let minute = Int(match.5),
              let second = Int(match.6)
        else { return false }
        let offsetOK = match.9.map { Int($0) ?? 99 < 24 } ?? true && match.10.map { Int($0) ?? 99 < 60 } ?? true
        return (1...12).contains(month) && (1...31).contains(day) && hour < 24 && minute < 60 && second <= 60 && offsetOK
    }

    private static let wholeSeconds = Date.ISO8601FormatStyle(timeZone: .gmt)
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
}

extension Configuration {
    /// The coding settings that the server, the CLI and the tests share. Answers are compact
    /// (not pretty-printed: indenting a 10,000-step run doubled its encoding time); keys stay
    /// sorted, since Foundation's encoder otherwise writes them in an order that varies from one
    /// answer to the next (measured: unsorted saved only a further 10 %).
    public static var bascule: Configuration { Configuration(dateTranscoder: FlexibleDateTranscoder(), jsonEncodingOptions: [.sortedKeys]) }
}

/// Instants in UTC as RFC 3339, by arithmetic: every answer and every live event writes several,
/// and a format style costs more than the rest of the encoding. Milliseconds are rounded to the
/// nearest (stored instants are whole milliseconds, which a `Double` may hold as 0.118999…).
public enum RFC3339 {
    public enum Milliseconds: Sendable { case always, whenPresent }

    public static func string(_ date: Date, milliseconds: Milliseconds) -> String {
        let interval = date.timeIntervalSince1970
        guard interval.isFinite, abs(interval) < 253_402_300_800 else {
            return date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
        }
        let millis = Int64((interval * 1000).rounded())
        var (days, inDay) = millis.quotientAndRemainder(dividingBy: 86_400_000)
        if inDay < 0 { (days, inDay) = (days - 1, inDay + 86_400_000) }
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        let seconds = inDay / 1000, fraction = inDay % 1000
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(seconds / 3600, 2) + ":"
            + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2)
        if milliseconds == .always || fraction != 0 { text += "." + pad(fraction, 3) }
        return text + "Z"
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
