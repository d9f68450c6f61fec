import BasculeAPI
import Foundation
import Logging
import NIOConcurrencyHelpers

/// Log lines as JSON objects, one per line on standard output (`BASCULE_LOG_FORMAT=json`), for
/// a log shipper: time, level, logger, message, the request id when there is one (Hummingbird's
/// `hb.request.id`, renamed `request_id`), then the rest of the metadata as strings.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String

    private static let output = NIOLockedValueBox(FileHandle.standardOutput)

    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        Self.output.withLockedValue { $0.write(Data((Self.line(event, label: label, metadata: metadata) + "\n").utf8)) }
    }

    public static func line(_ event: LogEvent, label: String, metadata base: Logger.Metadata, at date: Date = Date()) -> String {
        var fields: [(String, String)] = [
            ("time", RFC3339.string(date, milliseconds: .always)),
            ("level", event.level.rawValue), ("logger", label), ("message", event.message.description),
        ]
        var metadata = base.merging(event.metadata ?? [:]) { $1 }
        if let id = metadata.removeValue(forKey: "hb.request.id") { fields.append(("request_id", id.description)) }
        for key in metadata.keys.sorted() { fields.append((key, metadata[key]!.description)) }
        return "{" + fields.map { "\(quoted($0.0)):\(quoted($0.1))" }.joined(separator: ",") + "}"
    }

    static func quoted(_ text: String) -> String {
        var out = ""
        JSONText.quote(text, into: &out)
        return out
    }
}
