import BasculeCore
import Foundation

/// The report of a day, a week or a month: the indicators (each opening onto the records
/// behind it), their trend as small charts, what ended its cutover, what comes next with its
/// conflicts and freezes, overdue milestones, and the incidents with their attribution.
enum ReportsPage {
    struct Tab: Sendable {
        let label: String
        let href: String
        let current: Bool
    }

    struct IndicatorRow: Sendable {
        let name: String
        let value: String
        let fraction: String
        let explainHref: String
        let band: String?
        let bandClass: String
        let noData: Bool
    }

    struct Chart: Sendable {
        let title: String
        let svg: String
    }

    struct CutoverRow: Sendable {
        let release: String
        let href: String
        let title: String
        let result: String
        let failed: Bool
        let ended: String
        let environment: String
        let downtime: String
        let window: String
    }

    struct UpcomingRow: Sendable {
        let release: String
        let href: String
        let title: String
        let window: String
        let status: String
        let environment: String
        let conflicts: [String]
    }

    struct TextRow: Sendable {
        let title: String
        let detail: String
        let href: String?
    }

    struct CauseRow: Sendable {
        let release: String
        let href: String
        let state: String
        let confidence: String
        let path: String
    }

    struct IncidentRow: Sendable {
        let reference: String
        let href: String
        let title: String
        let severity: String
        let opened: String
        let restored: String
        let causes: [CauseRow]
        let noCause: String?
    }

    struct Model: Sendable {
        let title: String
        let tabs: [Tab]
        let previousHref: String
        let nextHref: String?
        let environments: [Choice]
        let tag: String
        let item: String
        let team: String
        let period: String
        let at: String
        let printHref: String
        let csvHref: String
        let markdownHref: String
        let jsonHref: String
        let itil: [IndicatorRow]
        let dora: [IndicatorRow]
        let charts: [Chart]
        let deployed: [CutoverRow]
        let failed: [CutoverRow]
        let nextTitle: String
        let upcoming: [UpcomingRow]
        let freezes: [TextRow]
        let overdue: [TextRow]
        let incidents: [IncidentRow]
        let generated: String
    }

    static let itilKeys: [IndicatorSet.Key] = [.deployed, .success, .rollback, .failure, .emergency, .insideWindow, .followedByIncident, .plannedDowntime, .actualDowntime]
    static let doraKeys: [IndicatorSet.Key] = [.deploymentFrequency, .leadTime, .changeFailureRate, .timeToRestore]

    static func query(_ filter: IndicatorFilter) -> String {
        var parts: [String] = []
        for (name, value) in [("environment", filter.environment), ("tag", filter.tag), ("item", filter.item), ("team", filter.team)] {
            if let value { parts.append("\(name)=\(SitePath.segment(value))") }
        }
        return parts.map { "&" + $0 }.joined()
    }

    static func day(_ date: Date) -> String { date.formatted(.iso8601.year().month().day()) }

    static func model(_ report: PeriodReport, environments: [String], now: Date, _ words: Words) -> Model {
        let filters = query(report.filter)
        let at = day(report.interval.start.addingTimeInterval(3600))
        func href(_ period: ReportPeriod, _ date: Date) -> String { "/reports?period=\(period.rawValue)&at=\(day(date.addingTimeInterval(3600)))\(filters)" }
        let previous = report.period.interval(containing: report.interval.start.addingTimeInterval(1), offset: -1, timeZone: report.timeZone)
        func explain(_ key: IndicatorSet.Key) -> String {
            "/reports/explain?key=\(key.rawValue)&from=\(report.interval.start.formatted(.iso8601))&to=\(report.interval.end.formatted(.iso8601))\(filters)"
        }
        func rows(_ keys: [IndicatorSet.Key]) -> [IndicatorRow] {
            keys.compactMap { report.indicators[$0] }.map { indicator in
                IndicatorRow(name: IndicatorWording.name(indicator.key, words), value: IndicatorWording.value(indicator, words),
                             fraction: IndicatorWording.fraction(indicator, words), explainHref: explain(indicator.key),
                             band: IndicatorWording.band(indicator.band, words), bandClass: indicator.band.map { "band-\($0.rawValue)" } ?? "",
                             noData: indicator.value == nil)
            }
        }
        let labels = report.trends.first?.periods.map { short($0, report.period, words) } ?? []
        let charts = report.trends.map { trend in
            let unit = report.indicators[trend.key]?.unit ?? .count
            let title = IndicatorWording.name(trend.key, words)
            return Chart(title: title, svg: TrendChart(trend: trend, unit: unit).svg(title: title, periodLabels: labels, words: words))
        }
        func cutover(_ cutover: PeriodReport.Cutover) -> CutoverRow {
            let downtime = cutover.actualDowntime.map { actual in
                words.text("period_report_downtime", ["actual": IndicatorWording.long(actual, words), "planned": cutover.plannedDowntime.map { IndicatorWording.long($0, words) } ?? "—"])
            } ?? "—"
            let window = cutover.insideWindow.map { words.text($0 ? "report_inside_window" : "report_outside_window") } ?? "—"
            return CutoverRow(release: cutover.release, href: "/releases/\(cutover.release)", title: cutover.title, result: words.label(cutover.result),
                              failed: cutover.result != .deployed, ended: words.date(cutover.endedAt), environment: cutover.environment ?? "—",
                              downtime: downtime, window: window)
        }
        return Model(
            title: ReportDocuments.title(report, words),
            tabs: ReportPeriod.allCases.map { Tab(label: words.label($0), href: href($0, report.interval.start), current: $0 == report.period) },
            previousHref: href(report.period, previous.start), nextHref: report.next.start <= now ? href(report.period, report.next.start) : nil,
            environments: [Choice(value: "", label: words.text("report_every_environment"), selected: report.filter.environment == nil)]
                + environments.map { Choice(value: $0, label: $0, selected: $0 == report.filter.environment) },
            tag: report.filter.tag ?? "", item: report.filter.item ?? "", team: report.filter.team ?? "", period: report.period.rawValue, at: at,
            printHref: "/reports?period=\(report.period.rawValue)&at=\(at)&print=1\(filters)",
            csvHref: "/api/v1/reports/\(report.period.rawValue)?at=\(report.interval.start.addingTimeInterval(3600).formatted(.iso8601))&format=csv&lang=\(words.language.rawValue)\(filters)",
            markdownHref: "/api/v1/reports/\(report.period.rawValue)?at=\(report.interval.start.addingTimeInterval(3600).formatted(.iso8601))&format=md&lang=\(words.language.rawValue)\(filters)",
            jsonHref: "/api/v1/reports/\(report.period.rawValue)?at=\(report.interval.start.addingTimeInterval(3600).formatted(.iso8601))\(filters)",
            itil: rows(itilKeys), dora: rows(doraKeys), charts: charts,
            deployed: report.deployed.map(cutover), failed: report.failed.map(cutover),
            nextTitle: words.text("report_next", ["from": words.day(report.next.start)]),
            upcoming: report.upcoming.map { upcoming in
                UpcomingRow(release: upcoming.release, href: "/releases/\(upcoming.release)", title: upcoming.title, window: words.window(upcoming.start, upcoming.end),
                            status: words.label(upcoming.status), environment: upcoming.environment ?? "—",
                            conflicts: upcoming.conflicts.map { words.language == .fr ? $0.explanation.fr : $0.explanation.en })
            },
            freezes: report.freezes.map { TextRow(title: $0.title, detail: words.window($0.start, $0.end), href: nil) },
            overdue: report.overdue.map { TextRow(title: "\($0.release) · \($0.milestone)", detail: words.text("report_due", ["date": words.date($0.due)]), href: "/releases/\($0.release)?tab=plan") },
            incidents: report.incidents.map { incident in
                IncidentRow(reference: incident.reference, href: "/incidents/\(SitePath.segment(incident.reference))", title: incident.title,
                            severity: words.text("severity_\(incident.severity)"), opened: words.date(incident.openedAt),
                            restored: incident.resolvedAt.map { IndicatorWording.long($0.timeIntervalSince(incident.openedAt), words) } ?? words.text("incidents_still_open"),
                            causes: incident.causes.map { cause in
                                CauseRow(release: cause.release, href: "/releases/\(cause.release)", state: words.text("attribution_\(cause.state)"),
                                         confidence: "\(IndicatorWording.decimal(cause.confidence * 100, digits: 0, words))\u{00A0}%",
                                         path: cause.path.joined(separator: " → "))
                            },
                            noCause: incident.causes.isEmpty ? words.text("incident_no_candidate") : nil)
            },
            generated: words.text("report_generated", ["at": words.date(report.generatedAt), "zone": report.timeZone.identifier]))
    }

    /// "W48", "12/03", "Nov": a period as the foot of a chart names it.
    static func short(_ interval: DateInterval, _ period: ReportPeriod, _ words: Words) -> String {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = words.formatting.timeZone
        let start = interval.start.addingTimeInterval(1)
        switch period {
        case .daily: return start.formatted(Date.FormatStyle(locale: words.language.locale, calendar: calendar, timeZone: words.formatting.timeZone).day().month(.twoDigits))
        case .weekly: return words.text("report_week_short", ["n": String(calendar.component(.weekOfYear, from: start))])
        case .monthly: return start.formatted(Date.FormatStyle(locale: words.language.locale, calendar: calendar, timeZone: words.formatting.timeZone).month(.abbreviated))
        }
    }
}

/// The records behind one indicator of a period: what it counted, over what.
enum IndicatorExplainPage {
    struct Record: Sendable {
        let record: String
        let href: String?
        let value: String?
    }

    struct Model: Sendable {
        let title: String
        let value: String
        let fraction: String
        let definition: String
        let band: String?
        let counted: [Record]
        let over: [Record]
        let hasOver: Bool
        let backHref: String
    }

    static func model(_ set: IndicatorSet, key: IndicatorSet.Key, filter: IndicatorFilter, _ words: Words) -> Model? {
        guard let indicator = set[key] else { return nil }
        func record(_ entry: IndicatorSet.Entry) -> Record {
            let href: String? = entry.record.hasPrefix(ReleaseKey.prefix) ? "/releases/\(entry.record)"
                : entry.record.hasPrefix("CHG-") ? nil : "/incidents/\(SitePath.segment(entry.record))"
            return Record(record: entry.record, href: href, value: entry.value.map { IndicatorWording.long($0, words) })
        }
        let range = words.text("report_range", ["from": words.day(set.period.start), "to": words.day(set.period.end.addingTimeInterval(-1))])
        return Model(title: "\(IndicatorWording.name(key, words)) · \(range)", value: IndicatorWording.value(indicator, words),
                     fraction: IndicatorWording.fraction(indicator, words), definition: words.text("indicator_\(key.rawValue)_definition"),
                     band: IndicatorWording.band(indicator.band, words), counted: indicator.counted.map(record), over: indicator.over.map(record),
                     hasOver: !indicator.over.isEmpty,
                     backHref: "/reports?at=\(ReportsPage.day(set.period.start.addingTimeInterval(3600)))\(ReportsPage.query(filter))")
    }
}
