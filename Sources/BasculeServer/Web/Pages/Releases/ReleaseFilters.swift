import BasculeCore
import BasculeStore
import Foundation
import Hummingbird

/// The list's filters, sort and page as they stand in the URL, so that a filtered list can be
/// bookmarked, shared and exported as it is shown.
struct ReleaseFilters: Sendable, Equatable {
    var statuses: [ReleaseStatus] = []
    var types: [ReleaseType] = []
    var environment: String?
    var owner: String?
    var tag: String?
    var text: String?
    /// Days in the configured zone, as `<input type="date">` sends them.
    var from: String?
    var to: String?
    var risk: RiskScore.Status?
    var sort: ReleaseSort = .window
    var descending = false
    var page = 1

    static let pageSize = 50
    /// A risk filter scores the releases that match the other filters, up to this many.
    static let riskScan = 500

    /// Reads the query; a value that cannot be read is reported (the error's message is the
    /// value as given), never silently dropped.
    static func read(_ parameters: Parameters, formatting: WebFormatting) -> (ReleaseFilters, [FieldError]) {
        var filters = ReleaseFilters()
        var errors: [FieldError] = []
        func text(_ name: String) -> String? {
            let value = parameters.get(name)?.trimmingCharacters(in: .whitespaces) ?? ""
            return value.isEmpty ? nil : value
        }
        for value in parameters.getAll("status") where !value.isEmpty {
            if let status = ReleaseStatus(rawValue: value) { filters.statuses.append(status) } else { errors.append(FieldError("status", value)) }
        }
        for value in parameters.getAll("type") where !value.isEmpty {
            if let type = ReleaseType(rawValue: value) { filters.types.append(type) } else { errors.append(FieldError("type", value)) }
        }
        filters.environment = text("env")
        filters.owner = text("owner")
        filters.tag = text("tag")?.lowercased()
        filters.text = text("q")
        for (name, keyPath) in [("from", \ReleaseFilters.from), ("to", \ReleaseFilters.to)] {
            guard let value = text(name) else { continue }
            if formatting.parseInput(value + "T00:00") != nil { filters[keyPath: keyPath] = value } else { errors.append(FieldError(name, value)) }
        }
        if let value = text("risk") {
            if let risk = RiskScore.Status(rawValue: value) { filters.risk = risk } else { errors.append(FieldError("risk", value)) }
        }
        if let value = text("sort") {
            if let sort = ReleaseSort(rawValue: value) { filters.sort = sort } else { errors.append(FieldError("sort", value)) }
        }
        filters.descending = text("dir") == "desc"
        if let value = text("page") {
            if let page = Int(value), page >= 1, page <= 100_000 { filters.page = page } else { errors.append(FieldError("page", value)) }
        }
        return (filters, errors)
    }

    /// What the list shows when no status is ticked: the releases still to be dealt with. A
    /// year of closed releases would otherwise fill the first pages; ticking Closed or
    /// Cancelled shows them.
    static let unlessTicked = ReleaseStatus.allCases.filter { $0 != .closed && $0 != .cancelled }

    func query(formatting: WebFormatting) -> ReleaseQuery {
        ReleaseQuery(
            statuses: statuses.isEmpty ? Self.unlessTicked : statuses, environment: environment,
            from: from.flatMap { formatting.parseInput($0 + "T00:00") },
            // The end day is included: the window must start before the next midnight.
            to: to.flatMap { formatting.parseInput($0 + "T00:00") }.map { formatting.calendar.date(byAdding: .day, value: 1, to: $0) ?? $0 },
            text: text, types: types, owner: owner, tag: tag)
    }

    /// This list's URL with some parts changed: a sort, a page, the CSV.
    func href(path: String = "/releases", sort: ReleaseSort? = nil, descending: Bool? = nil, page: Int? = nil) -> String {
        var items: [URLQueryItem] = []
        items += statuses.map { URLQueryItem(name: "status", value: $0.rawValue) }
        items += types.map { URLQueryItem(name: "type", value: $0.rawValue) }
        for (name, value) in [("env", environment), ("owner", owner), ("tag", tag), ("q", text), ("from", from), ("to", to), ("risk", risk?.rawValue)] {
            if let value { items.append(URLQueryItem(name: name, value: value)) }
        }
        let sort = sort ?? self.sort, descending = descending ?? self.descending
        if sort != .window { items.append(URLQueryItem(name: "sort", value: sort.rawValue)) }
        if descending { items.append(URLQueryItem(name: "dir", value: "desc")) }
        let page = page ?? 1
        if page > 1 { items.append(URLQueryItem(name: "page", value: String(page))) }
        var parts = URLComponents()
        parts.path = path
        parts.queryItems = items.isEmpty ? nil : items
        return parts.string ?? path
    }

    var isFiltered: Bool { self != ReleaseFilters(sort: sort, descending: descending, page: page) }
}
