import Foundation

/// The bodies a webhook sends for a notice. `summary` is the notice worded for people (in
/// English: an endpoint has no language), `link` the page it is about.
public enum WebhookBody {
    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    /// The Standard Webhooks envelope: `type`, `timestamp` (of the event) and `data`.
    public static func standard(_ notice: Notice, summary: String, link: String?) -> String {
        var data: [String: Any] = ["actor": notice.actor, "summary": summary, "facts": notice.facts]
        if let link { data["link"] = link }
        if let release = notice.release {
            var fields: [String: Any] = [
                "key": release.key, "title": release.title, "version": release.version, "status": release.status,
                "tags": release.tags, "configurationItems": release.items,
            ]
            if let environment = release.environment { fields["environment"] = environment }
            if let start = release.windowStart, let end = release.windowEnd {
                fields["window"] = ["start": start.formatted(style), "end": end.formatted(style)]
            }
            data["release"] = fields
        }
        return json(["type": notice.kind.rawValue, "timestamp": notice.at.formatted(style), "data": data])
    }

    /// What Slack's and Mattermost's incoming webhooks take: one line of text with a link.
    public static func chat(summary: String, link: String?) -> String {
        json(["text": link.map { "\(summary) <\($0)|open>" } ?? summary])
    }

    private static func json(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
