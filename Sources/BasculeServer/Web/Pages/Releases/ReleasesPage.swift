import BasculeCore
import BasculeStore
import Foundation

/// The list of releases: several filters at once, sortable columns, numbered pages, the CSV
/// of what is shown, all of it held in the URL.
enum ReleasesPage {
    typealias Option = Choice

    struct Column: Sendable {
        let label: String
        let href: String
        /// "ascending" / "descending" for the sorted column (aria-sort), nil otherwise.
        let sorted: String?
        let arrow: String?
    }

    struct Row: Sendable {
        let release: ReleaseLine
        let risk: String
        let riskScore: String
        let riskClass: String
    }

    struct Model: Sendable {
        let rows: [Row]
        let columns: [Column]
        let statuses: [Option]
        let types: [Option]
        let environments: [Option]
        let risks: [Option]
        let owner: String
        let tag: String
        let q: String
        let from: String
        let to: String
        let summary: String
        let errors: [String]
        let filtered: Bool
        let csvHref: String
        let previousHref: String?
        let nextHref: String?
        let pageLabel: String?
        let scanLimited: String?
        let canCreate: Bool
    }

    struct Facts: Sendable {
        let filters: ReleaseFilters
        let errors: [FieldError]
        let releases: [Release]
        let total: Int
        let scores: [ReleaseKey: RiskScore]
        let environments: [String]
        let scanLimited: Bool
        let canCreate: Bool
    }

    static func model(_ facts: Facts, _ words: Words) -> Model {
        let filters = facts.filters
        let pages = max(1, (facts.total + ReleaseFilters.pageSize - 1) / ReleaseFilters.pageSize)
        let sortable: [(ReleaseSort, String)] = [
            (.key, "col_key"), (.title, "col_title"), (.type, "col_type"), (.status, "col_status"), (.window, "col_window"),
            (.environment, "col_environment"), (.owner, "col_owner"),
        ]
        return Model(
            rows: facts.releases.map { release in
                let score = facts.scores[release.key]
                return Row(release: ReleaseLine(release, words), risk: score.map { words.label($0.status) } ?? "—",
                           riskScore: score.map { String($0.score) } ?? "", riskClass: score?.status.rawValue ?? "none")
            },
            columns: sortable.map { sort, key in
                let current = filters.sort == sort
                return Column(label: words.text(key), href: filters.href(sort: sort, descending: current ? !filters.descending : false),
                              sorted: current ? (filters.descending ? "descending" : "ascending") : nil,
                              arrow: current ? (filters.descending ? "↓" : "↑") : nil)
            },
            statuses: ReleaseStatus.allCases.map { Option(value: $0.rawValue, label: words.label($0), selected: filters.statuses.contains($0)) },
            types: ReleaseType.allCases.map { Option(value: $0.rawValue, label: words.label($0), selected: filters.types.contains($0)) },
            environments: facts.environments.map { Option(value: $0, label: $0, selected: filters.environment == $0) },
            risks: RiskScore.Status.allCases.map { Option(value: $0.rawValue, label: words.label($0), selected: filters.risk == $0) },
            owner: filters.owner ?? "", tag: filters.tag ?? "", q: filters.text ?? "", from: filters.from ?? "", to: filters.to ?? "",
            summary: words.count("releases_count", facts.total),
            errors: facts.errors.map { words.text("releases_bad_filter", ["field": $0.field, "value": $0.message]) },
            filtered: filters.isFiltered,
            csvHref: filters.href(path: "/releases.csv"),
            previousHref: filters.page > 1 ? filters.href(page: filters.page - 1) : nil,
            nextHref: filters.page < pages ? filters.href(page: filters.page + 1) : nil,
            pageLabel: pages > 1 ? words.text("releases_page_of", ["page": words.number(filters.page), "pages": words.number(pages)]) : nil,
            scanLimited: facts.scanLimited ? words.text("releases_risk_scan", ["n": words.number(ReleaseFilters.riskScan)]) : nil,
            canCreate: facts.canCreate)
    }

    /// The rows as CSV (RFC 4180), in the reader's language for labels but with raw keys and
    /// ISO 8601 times, so that a spreadsheet sorts them.
    static func csv(_ releases: [Release], scores: [ReleaseKey: RiskScore], _ words: Words) -> String {
        let iso = ISO8601DateFormatter()
        var lines = [["key", "title", "version", "type", "status", "planned_start", "planned_end", "environment", "owner", "tags", "risk_score", "risk"].joined(separator: ",")]
        for release in releases {
            let score = scores[release.key]
            let fields = [release.key.description, release.title, release.version, words.label(release.type), words.label(release.status),
                          release.window.map { iso.string(from: $0.start) } ?? "", release.window.map { iso.string(from: $0.end) } ?? "",
                          release.environment ?? "", release.owner ?? "", release.tags.joined(separator: " "),
                          score.map { String($0.score) } ?? "", score.map { words.label($0.status) } ?? ""]
            lines.append(fields.map(csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Quoted when needed; a leading `=`, `+`, `-` or `@` is prefixed with `'` so that a
    /// spreadsheet never runs a title as a formula.
    static func csvField(_ value: String) -> String {
        var value = value
        if let first = value.first, "=+-@\t\r".contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
