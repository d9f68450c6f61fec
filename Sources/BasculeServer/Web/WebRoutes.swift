import BasculeCore
import BasculeStore
import Foundation
import Hummingbird

/// The pages. Each route reads the request, calls a service and renders a page; refusals
/// are shown on the page they came from, with the status code the API would give.
struct WebRoutes<Context: RequestContext>: Sendable {
    let releases: ReleaseService
    let environments: EnvironmentService
    let audit: AuditService
    let renderer: PageRenderer
    let formatting: WebFormatting
    let services: BasculeServices

    private var localizer: Localizer { renderer.localizer }

    func register(on router: Router<Context>) {
        router.get("/") { _, _ in Self.redirect("/home") }
        router.get("/language/{lang}", use: switchLanguage)
        router.get("/home", use: home)
        router.get("/releases", use: list)
        router.get("/releases.csv", use: exportList)
        router.get("/releases/new", use: newForm)
        router.post("/releases", use: create)
        router.get("/releases/{key}", use: show)
        router.get("/releases/{key}/edit", use: editForm)
        router.post("/releases/{key}", use: update)
        router.post("/releases/{key}/transitions", use: transition)
        router.post("/releases/{key}/delete", use: delete)
        router.post("/releases/{key}/window", use: moveWindow)
    }

    // MARK: - Pages

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let words = renderer.words(request)
        let (filters, errors) = ReleaseFilters.read(request.uri.queryParameters, formatting: formatting)
        do {
            let facts = try await listFacts(filters, errors: errors, limit: ReleaseFilters.pageSize)
            return renderer.page("releases", title: words.text("releases_title"), model: ReleasesPage.model(facts, words), request: request,
                                 status: errors.isEmpty ? .ok : .badRequest)
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }

    @Sendable func home(_ request: Request, context: Context) async throws -> Response {
        let words = renderer.words(request)
        do {
            let facts = try await HomeFacts(services: services).gather(now: Date())
            return renderer.page("home", title: words.text("home_title"), model: HomePage.model(facts, words), request: request)
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }

    /// The list as shown, every page of it, as CSV.
    @Sendable func exportList(_ request: Request, context: Context) async throws -> Response {
        let words = renderer.words(request)
        let (filters, errors) = ReleaseFilters.read(request.uri.queryParameters, formatting: formatting)
        guard errors.isEmpty else {
            return renderer.errorPage(errors.map(\.description).joined(separator: "; "), request: request, status: .badRequest)
        }
        do {
            var all = filters
            all.page = 1
            let facts = try await listFacts(all, errors: [], limit: ReleaseLimits.exportRows)
            var headers = HTTPFields()
            headers[.contentType] = "text/csv; charset=utf-8"
            headers[.contentDisposition] = "attachment; filename=\"releases.csv\""
            headers[.cacheControl] = "no-store"
            return Response(status: .ok, headers: headers,
                            body: .init(byteBuffer: ByteBuffer(string: ReleasesPage.csv(facts.releases, scores: facts.scores, words))))
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }

    /// One page of the list (or every row up to `limit` for the CSV), with risk scores. A risk
    /// filter scores the first `ReleaseFilters.riskScan` matching releases and keeps those at that risk.
    private func listFacts(_ filters: ReleaseFilters, errors: [FieldError], limit: Int) async throws -> ReleasesPage.Facts {
        let query = filters.query(formatting: formatting)
        let offset = (filters.page - 1) * limit
        var rows: [Release], total: Int, scores: [ReleaseKey: RiskScore], scanLimited = false
        if let risk = filters.risk {
            let (candidates, count) = try await releases.table(query, sort: filters.sort, descending: filters.descending, limit: ReleaseFilters.riskScan)
            scanLimited = count > ReleaseFilters.riskScan
            scores = try await services.policy.riskScores(of: candidates)
            let kept = candidates.filter { scores[$0.key]?.status == risk }
            total = kept.count
            rows = Array(kept.dropFirst(offset).prefix(limit))
        } else {
            (rows, total) = try await releases.table(query, sort: filters.sort, descending: filters.descending, limit: limit, offset: offset)
            // A CSV longer than a risk scan goes without scores rather than scoring thousands.
            scores = rows.count <= ReleaseFilters.riskScan ? try await services.policy.riskScores(of: rows) : [:]
        }
        return ReleasesPage.Facts(
            filters: filters, errors: errors, releases: rows, total: total, scores: scores,
            environments: try await environments.all().map(\.name), scanLimited: scanLimited,
            canCreate: RequestOrigin.current.may(.releaseCreate))
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        do {
            return try await releasePage(key, request: request)
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }

    @Sendable func newForm(_ request: Request, context: Context) async throws -> Response {
        try await formPage(key: nil, values: ReleaseFormData(nil, formatting: formatting), errors: [], request: request)
    }

    @Sendable func editForm(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        do {
            let release = try await releases.get(key)
            guard release.status.isPlanEditable else { return Self.redirect("/releases/\(release.key)") }
            return try await formPage(key: release.key.description, values: ReleaseFormData(release, formatting: formatting), errors: [], request: request)
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }

    // MARK: - Actions

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let form = try await ReleaseFormData.decode(from: request, context: context)
        let (input, errors) = form.input(formatting: formatting)
        guard let input else { return try await formPage(key: nil, values: form, errors: errors, request: request, status: .unprocessableContent) }
        do {
            let release = try await releases.create(input)
            return Self.redirect("/releases/\(release.key)")
        } catch let error as ServiceError {
            return try await formPage(key: nil, values: form, errors: Self.fieldErrors(error), request: request, status: .init(code: error.status))
        }
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        let form = try await ReleaseFormData.decode(from: request, context: context)
        let (input, errors) = form.input(formatting: formatting)
        guard let input else { return try await formPage(key: key, values: form, errors: errors, request: request, status: .unprocessableContent) }
        let changes = ReleaseChanges(
            title: input.title, version: input.version, type: input.type, plannedStart: input.plannedStart,
            plannedEnd: input.plannedEnd, clearWindow: input.plannedStart == nil && input.plannedEnd == nil,
            environment: input.environment ?? "", owner: input.owner ?? "", description: input.description,
            tags: input.tags)
        do {
            let release = try await releases.update(key, changes: changes, precondition: form.revisionPrecondition)
            return Self.redirect("/releases/\(release.key)")
        } catch let error as ServiceError {
            if case .notFound = error { return renderer.errorPage(error.description, request: request, status: .notFound) }
            return try await formPage(key: key, values: form, errors: Self.fieldErrors(error), request: request, status: .init(code: error.status))
        }
    }

    @Sendable func transition(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        let fields = try await Self.form(request)
        do {
            guard let target = fields["to"].flatMap(ReleaseStatus.init(rawValue:)) else {
                throw ServiceError.badRequest([FieldError("to", "must be one of: " + ReleaseStatus.allCases.map(\.rawValue).joined(separator: ", "))])
            }
            let precondition = fields["revision"].flatMap(Int.init).map { RevisionPrecondition.oneOf([$0]) }
            let override = fields["override"]?.trimmingCharacters(in: .whitespacesAndNewlines)
            let release = try await releases.transition(key, to: target, override: override?.isEmpty == false ? override : nil, precondition: precondition)
            return Self.redirect("/releases/\(release.key)")
        } catch let error as ServiceError {
            if case .notFound = error { return renderer.errorPage(error.description, request: request, status: .notFound) }
            return try await releasePage(key, request: request, refusal: error, refusedTarget: fields["to"].flatMap(ReleaseStatus.init(rawValue:)))
        }
    }

    /// Moves the release to a window offered by the scheduling assistant.
    @Sendable func moveWindow(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        let fields = try await Self.form(request)
        do {
            let iso = ISO8601DateFormatter()
            guard let start = fields["start"].flatMap(iso.date(from:)), let end = fields["end"].flatMap(iso.date(from:)) else {
                throw ServiceError.badRequest([FieldError("start", "start and end must be RFC 3339 times")])
            }
            let release = try await releases.update(key, changes: ReleaseChanges(plannedStart: start, plannedEnd: end),
                                                    precondition: fields["revision"].flatMap(Int.init).map { .oneOf([$0]) })
            return Self.redirect("/releases/\(release.key)?tab=calendar")
        } catch let error as ServiceError {
            if case .notFound = error { return renderer.errorPage(error.description, request: request, status: .notFound) }
            return try await releasePage(key, request: request, refusal: error)
        }
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        let fields = try await Self.form(request)
        do {
            try await releases.delete(key, precondition: fields["revision"].flatMap(Int.init).map { .oneOf([$0]) })
            return Self.redirect("/releases")
        } catch let error as ServiceError {
            if case .notFound = error { return renderer.errorPage(error.description, request: request, status: .notFound) }
            return try await releasePage(key, request: request, refusal: error)
        }
    }

    @Sendable func switchLanguage(_ request: Request, context: Context) async throws -> Response {
        let language = Language(rawValue: try context.parameters.require("lang")) ?? .en
        var response = Self.redirect(SitePath.local(request.uri.queryParameters.get("return")))
        response.setCookie(.init(name: Language.cookieName, value: language.rawValue, maxAge: 31_536_000, path: "/", secure: false, httpOnly: true, sameSite: .lax))
        return response
    }

    // MARK: - Helpers

    private func releasePage(_ key: String, request: Request, refusal: ServiceError? = nil, refusedTarget: ReleaseStatus? = nil) async throws -> Response {
        try await ReleasePageRenderer(services: services, renderer: renderer).page(key, request: request, refusal: refusal, refusedTarget: refusedTarget)
    }

    private func formPage(key: String?, values: ReleaseFormData, errors: [FieldError], request: Request, status: HTTPResponse.Status = .ok) async throws -> Response {
        let words = renderer.words(request)
        let model = ReleaseFormPage(key: key, values: values, errors: errors, environments: try await environments.all(), words)
        let title = key.map { "\(words.text("form_edit_title")) \($0)" } ?? words.text("form_new_title")
        return renderer.page("release-form", title: title, model: model, request: request, status: status)
    }

    private static func fieldErrors(_ error: ServiceError) -> [FieldError] {
        error.fieldErrors.isEmpty ? [FieldError("form", error.description)] : error.fieldErrors
    }

    static func form(_ request: Request, limit: Int = 65_536) async throws -> [String: String] {
        let body = try await request.body.collect(upTo: limit)
        do {
            return try URLEncodedFormDecoder().decode([String: String].self, from: String(buffer: body))
        } catch {
            throw HTTPError(.badRequest, message: "The form could not be read.")
        }
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}
