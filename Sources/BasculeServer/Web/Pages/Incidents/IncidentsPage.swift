import BasculeCore
import BasculeStore
import Foundation

/// The incidents: filters, the list with each one's attributed releases, and the forms to
/// record one and to import a CSV file.
enum IncidentsPage {
    struct Line: Sendable {
        let reference: String
        let href: String
        let title: String
        let severity: String
        let opened: String
        let restored: String
        let open: Bool
        let items: String
        let source: String
    }

    struct Model: Sendable {
        let incidents: [Line]
        let total: String
        let filters: [Choice]
        let severities: [Choice]
        let item: String
        let mayRecord: Bool
        let now: String
        let errors: [String]
        let imported: String?
        let refused: [String]
        let previous: String?
        let next: String?
        let csvExample: String
    }

    static let pageSize = 50

    static func model(_ page: (items: [StoredIncident], total: Int), query: IncidentQuery, offset: Int, errors: [FieldError] = [],
                      importResult: (imported: [String], refused: [FieldError])? = nil, _ words: Words) -> Model {
        let state = query.open.map { $0 ? "open" : "resolved" } ?? ""
        let base = "/incidents?state=\(state)&severity=\(query.severity.map(String.init) ?? "")&item=\(query.item ?? "")"
        return Model(
            incidents: page.items.map { line($0, words) }, total: words.count("incidents_total", page.total),
            filters: [("", "incidents_all"), ("open", "incidents_open"), ("resolved", "incidents_resolved")].map {
                Choice(value: $0.0, label: words.text($0.1), selected: $0.0 == state)
            },
            severities: [Choice(value: "", label: words.text("incidents_any_severity"), selected: query.severity == nil)]
                + (1...4).map { Choice(value: String($0), label: words.text("severity_\($0)"), selected: query.severity == $0) },
            item: query.item ?? "", mayRecord: RequestOrigin.current.may(.incidentRecord), now: words.formatting.inputValue(Date()),
            errors: errors.map(words.error), imported: importResult.map { words.count("incidents_imported", $0.imported.count) },
            refused: importResult?.refused.map(words.error) ?? [],
            previous: offset > 0 ? base + "&offset=\(max(0, offset - pageSize))" : nil,
            next: offset + pageSize < page.total ? base + "&offset=\(offset + pageSize)" : nil,
            csvExample: "reference,title,severity,opened,resolved,items,link\nINC0012345,Invoices fail,2,2026-11-02T08:30:00Z,2026-11-02T10:05:00Z,billing-app,https://itsm.example/INC0012345")
    }

    static func line(_ stored: StoredIncident, _ words: Words) -> Line {
        let incident = stored.incident
        return Line(reference: incident.reference, href: "/incidents/\(SitePath.segment(incident.reference))", title: incident.title,
                    severity: words.text("severity_\(incident.severity)"), opened: words.date(incident.openedAt),
                    restored: incident.timeToRestore.map { IndicatorWording.long($0, words) } ?? words.text("incidents_still_open"),
                    open: incident.resolvedAt == nil, items: incident.items.joined(separator: ", "), source: sourceLabel(stored.source, words))
    }

    static func sourceLabel(_ source: String, _ words: Words) -> String {
        source.hasPrefix("webhook:") ? words.text("incident_source_tool", ["name": String(source.dropFirst("webhook:".count))]) : words.text("incident_source_\(source)")
    }
}

/// One incident: what it is, the releases that may have caused it with the evidence (the
/// dependency path, the time since the deployment, a confidence), confirm or reject each.
enum IncidentPage {
    struct Cause: Sendable {
        let release: String
        let releaseHref: String
        let path: String
        let since: String
        let confidence: String
        let state: String
        let candidate: Bool
        let confirmed: Bool
        let rejected: Bool
        let decided: String?
    }

    struct Model: Sendable {
        let reference: String
        let action: String
        let title: String
        let severity: String
        let severities: [Choice]
        let opened: String
        let openedInput: String
        let resolved: String?
        let resolvedInput: String
        let restored: String?
        let items: [String]
        let itemsText: String
        let link: String?
        let source: String
        let causes: [Cause]
        let mayDecide: Bool
        let mayRecord: Bool
        let noCandidate: String
        let errors: [String]
    }

    static func model(_ detail: IncidentService.Detail, attributionDays: Int, errors: [FieldError] = [], _ words: Words) -> Model {
        let incident = detail.stored.incident
        let causes = detail.attributions.map { attribution in
            Cause(release: attribution.release, releaseHref: "/releases/\(attribution.release)",
                  path: attribution.path.isEmpty ? words.text("incident_path_none") : attribution.path.joined(separator: " → "),
                  since: attribution.path.isEmpty ? "—" : IndicatorWording.long(attribution.sinceDeployment, words),
                  confidence: "\(IndicatorWording.decimal(attribution.confidence * 100, digits: 0, words))\u{00A0}%", state: words.label(attribution.state),
                  candidate: attribution.state == .candidate, confirmed: attribution.state == .confirmed, rejected: attribution.state == .rejected,
                  decided: attribution.decidedBy.map { by in
                      words.text("incident_decided_by", ["who": by, "at": attribution.decidedAt.map(words.date) ?? ""])
                  })
        }
        return Model(
            reference: incident.reference, action: "/incidents/\(SitePath.segment(incident.reference))", title: incident.title,
            severity: words.text("severity_\(incident.severity)"),
            severities: (1...4).map { Choice(value: String($0), label: words.text("severity_\($0)"), selected: $0 == incident.severity) },
            opened: words.date(incident.openedAt), openedInput: words.formatting.inputValue(incident.openedAt),
            resolved: incident.resolvedAt.map(words.date), resolvedInput: incident.resolvedAt.map(words.formatting.inputValue) ?? "",
            restored: incident.timeToRestore.map { IndicatorWording.long($0, words) }, items: incident.items, itemsText: incident.items.joined(separator: ", "),
            link: incident.link, source: IncidentsPage.sourceLabel(detail.stored.source, words), causes: causes,
            mayDecide: RequestOrigin.current.may(.incidentAttribute), mayRecord: RequestOrigin.current.may(.incidentRecord),
            noCandidate: words.text("incident_no_candidate_days", ["days": words.number(attributionDays)]), errors: errors.map(words.error))
    }
}
