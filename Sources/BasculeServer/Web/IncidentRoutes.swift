import BasculeCore
import BasculeStore
import Foundation
import Hummingbird

/// The incidents pages and their forms: record, import, change or resolve, confirm or reject a cause.
struct IncidentRoutes<Context: RequestContext>: Sendable {
    let services: BasculeServices
    let renderer: PageRenderer

    func register(on router: Router<Context>) {
        router.get("/incidents", use: list)
        router.post("/incidents", use: record)
        router.post("/incidents/import", use: importCSV)
        router.get("/incidents/{reference}", use: show)
        router.post("/incidents/{reference}", use: update)
        router.post("/incidents/{reference}/attributions", use: decide)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try await listPage(request)
    }

    @Sendable func record(_ request: Request, context: Context) async throws -> Response {
        let fields = try await WebRoutes<Context>.form(request)
        let words = renderer.words(request)
        return try await acting(request, page: { try await listPage(request, errors: $0, status: $1) }) {
            let detail = try await services.incidents.record(try Self.input(fields, reference: fields["reference"] ?? "", words), source: "web")
            return WebRoutes<Context>.redirect("/incidents/\(SitePath.segment(detail.stored.incident.reference))?done=incident_recorded")
        }
    }

    @Sendable func importCSV(_ request: Request, context: Context) async throws -> Response {
        let fields = try await WebRoutes<Context>.form(request, limit: 5_000_000)
        return try await acting(request, page: { try await listPage(request, errors: $0, status: $1) }) {
            let result = try await services.incidents.importCSV(fields["csv"] ?? "", partial: fields["partial"] == "on")
            return try await listPage(request, importResult: result)
        }
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        try await detailPage(request, reference: try context.parameters.require("reference"))
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let reference = try context.parameters.require("reference")
        let fields = try await WebRoutes<Context>.form(request)
        let words = renderer.words(request)
        return try await acting(request, page: { try await detailPage(request, reference: reference, errors: $0, status: $1) }) {
            var input = try Self.input(fields, reference: reference, words)
            if fields["resolveNow"] == "on", input.resolvedAt == nil { input.resolvedAt = Date() }
            _ = try await services.incidents.update(reference, input)
            return WebRoutes<Context>.redirect("/incidents/\(SitePath.segment(reference))?done=incident_updated")
        }
    }

    @Sendable func decide(_ request: Request, context: Context) async throws -> Response {
        let reference = try context.parameters.require("reference")
        let fields = try await WebRoutes<Context>.form(request)
        return try await acting(request, page: { try await detailPage(request, reference: reference, errors: $0, status: $1) }) {
            let release = (fields["release"] ?? "").trimmingCharacters(in: .whitespaces)
            _ = try await services.incidents.decide(reference, release: release, confirmed: fields["decision"] != "rejected")
            return WebRoutes<Context>.redirect("/incidents/\(SitePath.segment(reference))?done=attribution_\(fields["decision"] == "rejected" ? "rejected" : "confirmed")")
        }
    }

    /// What the form says, with times read in the configured zone.
    static func input(_ fields: [String: String], reference: String, _ words: Words) throws -> IncidentService.Input {
        var problems: [FieldError] = []
        let opened = words.formatting.parseInput(fields["openedAt"] ?? "")
        if opened == nil { problems.append(FieldError("openedAt", "is required, as a date and time")) }
        let resolvedText = (fields["resolvedAt"] ?? "").trimmingCharacters(in: .whitespaces)
        let resolved = resolvedText.isEmpty ? nil : words.formatting.parseInput(resolvedText)
        if !resolvedText.isEmpty, resolved == nil { problems.append(FieldError("resolvedAt", "is not a date and time")) }
        guard problems.isEmpty, let opened else { throw ServiceError.invalid(problems) }
        let items = (fields["items"] ?? "").split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" }).map(String.init)
        let link = (fields["link"] ?? "").trimmingCharacters(in: .whitespaces)
        return IncidentService.Input(reference: reference, title: fields["title"] ?? "", severity: Int(fields["severity"] ?? "") ?? 0,
                                     openedAt: opened, resolvedAt: resolved, items: items, link: link.isEmpty ? nil : link)
    }

    private func acting(_ request: Request, page: ([FieldError], HTTPResponse.Status) async throws -> Response,
                        _ body: () async throws -> Response) async throws -> Response {
        try await renderer.acting(request, page: page, body)
    }

    private func listPage(_ request: Request, errors: [FieldError] = [], importResult: (imported: [String], refused: [FieldError])? = nil,
                          status: HTTPResponse.Status = .ok) async throws -> Response {
        let words = renderer.words(request)
        let parameters = request.uri.queryParameters
        let state = parameters.get("state") ?? ""
        let item = (parameters.get("item") ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let query = IncidentQuery(open: state == "open" ? true : state == "resolved" ? false : nil, severity: parameters.get("severity").flatMap { Int($0) },
                                  item: item.isEmpty ? nil : item)
        let offset = max(0, parameters.get("offset").flatMap { Int($0) } ?? 0)
        do {
            let page = try await services.incidents.list(query, limit: IncidentsPage.pageSize, offset: offset)
            let model = IncidentsPage.model(page, query: query, offset: offset, errors: errors, importResult: importResult, words)
            return renderer.page("incidents", title: words.text("incidents_title"), model: model, request: request, status: status)
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }

    private func detailPage(_ request: Request, reference: String, errors: [FieldError] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let words = renderer.words(request)
        do {
            let detail = try await services.incidents.get(reference)
            let days = try await services.store.withConnection { try await PolicyInForce.load(in: $0) }.afterRelease.attributionDays
            let model = IncidentPage.model(detail, attributionDays: days, errors: errors, words)
            return renderer.page("incident", title: "\(detail.stored.incident.reference) — \(detail.stored.incident.title)", model: model, request: request, status: status)
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }
}
