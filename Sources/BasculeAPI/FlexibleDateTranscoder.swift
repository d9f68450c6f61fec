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
        if let date = try? Self.wholeSeconds.parse(text) { return date }
        if let date = try? Self.withFraction.parse(text) { return date }
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: Self.failure + text))
    }

    /// Starts the message of a failed decoding, followed by the text that failed.
    public static let failure = "Expected an RFC 3339 date-time, got: "

    private static let wholeSeconds = Date.ISO8601FormatStyle(timeZone: .gmt)
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
}

extension Configuration {
    /// The coding settings that the server, the CLI and the tests share.
    public static var bascule: Configuration { Configuration(dateTranscoder: FlexibleDateTranscoder()) }
}
