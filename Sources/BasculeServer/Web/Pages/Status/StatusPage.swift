import BasculeCore
import Foundation

/// The public status page: cutovers under way with their expected end, planned disruptions,
/// and the history of the last days, for every published service or one; for those who may,
/// the form choosing what is published.
enum StatusPage {
    struct Entry: Sendable {
        let id: String
        let headline: String
        let title: String
        let environment: String
        let state: String
        let stateValue: String
        let window: String
        let expectedEnd: String?
        let updated: String
    }

    struct Filter: Sendable {
        let label: String
        let href: String
        let current: Bool
    }

    struct Settings: Sendable {
        let environments: [Choice]
        let services: [Choice]
    }

    struct Model: Sendable {
        let heading: String
        let current: [Entry]
        let upcoming: [Entry]
        let history: [Entry]
        let filters: [Filter]
        let unpublished: Bool
        let feedHref: String
        let jsonHref: String
        let settings: Settings?
        let errors: [String]
    }

    static func entry(_ disruption: Disruption, _ words: Words) -> Entry {
        let services = disruption.services.map(\.name).joined(separator: ", ")
        let window = words.window(disruption.start, disruption.end)
        return Entry(
            id: disruption.release, headline: words.text("status_headline", ["services": services, "window": window]), title: disruption.title,
            environment: disruption.environment, state: words.label(disruption.state), stateValue: disruption.state.rawValue, window: window,
            expectedEnd: disruption.state.isCurrent ? disruption.expectedEnd.map { words.text("status_expected_end", ["time": words.date($0)]) } : nil,
            updated: words.date(disruption.updatedAt))
    }

    static func model(_ publication: StatusPublication, _ board: StatusBoard, service: String?, settings: Settings?, errors: [FieldError] = [], _ words: Words) -> Model {
        let query = service.map { "?service=\($0)" } ?? ""
        let named = service.flatMap { publication.service(named: $0)?.name }
        return Model(
            heading: named.map { words.text("status_heading_service", ["service": $0]) } ?? words.text("status_heading"),
            current: board.current.map { entry($0, words) }, upcoming: board.upcoming.map { entry($0, words) }, history: board.history.map { entry($0, words) },
            filters: publication.services.count > 1
                ? [Filter(label: words.text("status_all_services"), href: "/status", current: service == nil)]
                    + publication.services.map { Filter(label: $0.name, href: "/status?service=\($0.key)", current: $0.key == service) }
                : [],
            unpublished: publication.isEmpty, feedHref: "/status.atom\(query)", jsonHref: "/status.json\(query)", settings: settings,
            errors: errors.map(words.error))
    }

    static func settings(_ publication: StatusPublication, environments: [String], services: [ConfigurationItem], _ words: Words) -> Settings {
        Settings(
            environments: environments.map { Choice(value: $0, label: $0, selected: publication.environments.contains($0)) },
            services: services.filter { $0.fields.type == .service }.map { item in
                Choice(value: item.key.text, label: item.fields.name, selected: publication.service(named: item.key.text) != nil)
            })
    }
}

extension DisruptionState: PageLabel { static var labelPrefix: String { "disruption" } }
