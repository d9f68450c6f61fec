import BasculeCore
import Foundation

/// A period report as Markdown (for mail and wikis) and as CSV (one row per indicator, then one
/// per cutover and per incident, for spreadsheets), in the reader's language.
enum ReportDocuments {
    static func title(_ report: PeriodReport, _ words: Words) -> String {
        // "Weekly report" / "Rapport hebdomadaire": the French adjective follows, in lower case.
        let period = words.language == .fr ? words.label(report.period).lowercased() : words.label(report.period)
        return words.text("period_report_title", ["period": period, "from": words.day(report.interval.start),
                                    "to": words.day(report.interval.end.addingTimeInterval(-1))])
    }

    static func markdown(_ report: PeriodReport, _ words: Words) -> String {
        var lines = ["# \(title(report, words))", ""]
        lines.append(words.text("report_generated", ["at": words.date(report.generatedAt), "zone": report.timeZone.identifier]))
        lines.append("")
        lines.append("## \(words.text("report_indicators"))")
        lines.append("")
        lines.append("| \(words.text("report_indicator")) | \(words.text("report_value")) | \(words.text("report_from_records")) | \(words.text("report_band")) |")
        lines.append("|---|---|---|---|")
        for indicator in report.indicators.indicators {
            lines.append("| \(IndicatorWording.name(indicator.key, words)) | \(IndicatorWording.value(indicator, words)) | \(IndicatorWording.fraction(indicator, words)) | \(IndicatorWording.band(indicator.band, words) ?? "") |")
        }
        func cutovers(_ heading: String, _ list: [PeriodReport.Cutover]) {
            lines += ["", "## \(heading)", ""]
            if list.isEmpty { lines.append(words.text("report_none")); return }
            for cutover in list {
                let downtime = cutover.actualDowntime.map { " · " + words.text("period_report_downtime", ["actual": IndicatorWording.long($0, words), "planned": cutover.plannedDowntime.map { IndicatorWording.long($0, words) } ?? "—"]) } ?? ""
                lines.append("- **\(cutover.release)** \(escape(cutover.title)) — \(words.label(cutover.result)), \(words.date(cutover.endedAt))\(cutover.environment.map { " (\($0))" } ?? "")\(downtime)")
            }
        }
        cutovers(words.text("report_deployed"), report.deployed)
        cutovers(words.text("report_failed"), report.failed)
        lines += ["", "## \(words.text("report_next", ["from": words.day(report.next.start)]))", ""]
        if report.upcoming.isEmpty { lines.append(words.text("report_none")) }
        for upcoming in report.upcoming {
            lines.append("- **\(upcoming.release)** \(escape(upcoming.title)) — \(words.window(upcoming.start, upcoming.end)), \(words.label(upcoming.status))")
            for conflict in upcoming.conflicts { lines.append("  - ⚠ \(escape(words.language == .fr ? conflict.explanation.fr : conflict.explanation.en))") }
        }
        if !report.freezes.isEmpty {
            lines += ["", "## \(words.text("report_freezes"))", ""]
            for freeze in report.freezes { lines.append("- \(escape(freeze.title)) — \(words.window(freeze.start, freeze.end))") }
        }
        lines += ["", "## \(words.text("report_overdue"))", ""]
        if report.overdue.isEmpty { lines.append(words.text("report_none")) }
        for milestone in report.overdue { lines.append("- **\(milestone.release)** \(escape(milestone.milestone)) — \(words.date(milestone.due))") }
        lines += ["", "## \(words.text("report_incidents"))", ""]
        if report.incidents.isEmpty { lines.append(words.text("report_none")) }
        for incident in report.incidents {
            let causes = incident.causes.isEmpty ? words.text("incident_no_candidate")
                : incident.causes.map { "\($0.release) (\(words.text("attribution_" + $0.state)), \(IndicatorWording.decimal($0.confidence * 100, digits: 0, words))\u{00A0}%: \($0.path.joined(separator: " → ")))" }.joined(separator: "; ")
            lines.append("- **\(escape(incident.reference))** S\(incident.severity) \(escape(incident.title)) — \(words.date(incident.openedAt)) — \(causes)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func csv(_ report: PeriodReport, _ words: Words) -> String {
        var rows: [[String]] = [["section", "key", "name", "value", "numerator", "denominator", "band", "records"]]
        for indicator in report.indicators.indicators {
            rows.append(["indicator", indicator.key.rawValue, IndicatorWording.name(indicator.key, words), indicator.value.map { String($0) } ?? "",
                         indicator.numerator.map(String.init) ?? "", indicator.denominator.map(String.init) ?? "", indicator.band?.rawValue ?? "",
                         indicator.counted.map(\.record).joined(separator: " ")])
        }
        for trend in report.trends {
            for (period, value) in zip(trend.periods, trend.values) {
                rows.append(["trend", trend.key.rawValue, Self.iso(period.start), value.map { String($0) } ?? "", "", "", "", ""])
            }
        }
        for cutover in report.deployed + report.failed {
            rows.append(["cutover", cutover.release, cutover.title, cutover.result.rawValue, Self.iso(cutover.endedAt), cutover.environment ?? "",
                         cutover.actualDowntime.map { String(Int($0)) } ?? "", cutover.insideWindow.map { $0 ? "inside" : "outside" } ?? ""])
        }
        for upcoming in report.upcoming {
            rows.append(["upcoming", upcoming.release, upcoming.title, upcoming.status.rawValue, Self.iso(upcoming.start), upcoming.environment ?? "",
                         String(upcoming.conflicts.count), ""])
        }
        for incident in report.incidents {
            rows.append(["incident", incident.reference, incident.title, String(incident.severity), Self.iso(incident.openedAt),
                         incident.resolvedAt.map(Self.iso) ?? "", "", incident.causes.map { "\($0.release):\($0.state)" }.joined(separator: " ")])
        }
        return rows.map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    /// RFC 4180, and a leading = + - @ neutralised so a spreadsheet never runs it as a formula.
    static func field(_ text: String) -> String {
        var value = text
        if let first = value.first, "=+-@".contains(first), Double(value) == nil { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    private static func iso(_ date: Date) -> String { date.formatted(.iso8601) }
}
