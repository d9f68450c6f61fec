import BasculeCore
import Foundation

/// The status page as an Atom feed (RFC 4287) and as a JSON document: one entry per
/// disruption, updated when its state changes, in the reader's language.
enum StatusFeed {
    static func atom(_ board: StatusBoard, service: String?, siteURL: String, at now: Date, _ words: Words) -> String {
        let self_ = siteURL + "/status.atom" + (service.map { "?service=\($0)" } ?? "")
        var xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="\(words.language.rawValue)">
            <title>\(ImpactDiagram.escape(words.text("status_heading")))</title>
            <id>\(ImpactDiagram.escape(self_))</id>
            <link rel="self" href="\(ImpactDiagram.escape(self_))"/>
            <link rel="alternate" type="text/html" href="\(ImpactDiagram.escape(siteURL))/status"/>
            <updated>\(time(board.all.map(\.updatedAt).max() ?? now))</updated>
            <author><name>Bascule</name></author>

            """
        for disruption in board.all {
            let entry = StatusPage.entry(disruption, words)
            let summary = [entry.state, entry.title, entry.expectedEnd].compactMap { $0 }.joined(separator: " · ")
            xml += """
                <entry>
                <id>urn:bascule:status:\(ImpactDiagram.escape(disruption.release)):\(disruption.start.timeIntervalSince1970)</id>
                <title>\(ImpactDiagram.escape(entry.headline)) — \(ImpactDiagram.escape(entry.state))</title>
                <updated>\(time(disruption.updatedAt))</updated>
                <link rel="alternate" type="text/html" href="\(ImpactDiagram.escape(siteURL))/status#\(ImpactDiagram.escape(disruption.release))"/>
                <summary>\(ImpactDiagram.escape(summary))</summary>
                </entry>

                """
        }
        return xml + "</feed>\n"
    }

    /// The JSON document of the board: what `/status.json` answers.
    struct Document: Encodable {
        struct Service: Encodable {
            let key: String
            let name: String
        }

        struct Item: Encodable {
            let release: String
            let title: String
            let environment: String
            let services: [Service]
            let start: String
            let end: String
            let state: String
            let stateLabel: String
            let summary: String
            let updatedAt: String
            let expectedEnd: String?
        }

        let generatedAt: String
        let language: String
        let services: [Service]
        let current: [Item]
        let upcoming: [Item]
        let history: [Item]
    }

    static func json(_ board: StatusBoard, publication: StatusPublication, at now: Date, _ words: Words) -> Document {
        func item(_ disruption: Disruption) -> Document.Item {
            Document.Item(
                release: disruption.release, title: disruption.title, environment: disruption.environment,
                services: disruption.services.map { Document.Service(key: $0.key, name: $0.name) },
                start: time(disruption.start), end: time(disruption.end), state: disruption.state.rawValue, stateLabel: words.label(disruption.state),
                summary: StatusPage.entry(disruption, words).headline, updatedAt: time(disruption.updatedAt),
                expectedEnd: disruption.state.isCurrent ? disruption.expectedEnd.map(time) : nil)
        }
        return Document(generatedAt: time(now), language: words.language.rawValue,
                        services: publication.services.map { Document.Service(key: $0.key, name: $0.name) },
                        current: board.current.map(item), upcoming: board.upcoming.map(item), history: board.history.map(item))
    }

    static func time(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt)) }
}
