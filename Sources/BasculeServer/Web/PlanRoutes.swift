import BasculeCore
import Foundation
import Hummingbird

/// The plan editor and the documents of a release (rollback plan, release notes), each with
/// its own page; every save answers with a redirect and a message, every refusal with the
/// page as it was typed and the errors in place.
struct PlanRoutes<Context: RequestContext>: Sendable {
    let services: BasculeServices
    let renderer: PageRenderer

    private var formatting: WebFormatting { renderer.formatting }

    func register(on router: Router<Context>) {
        router.get("/releases/{key}/plan/edit", use: editPlan)
        router.post("/releases/{key}/plan", use: savePlan)
        router.get("/releases/{key}/documents/{kind}", use: document)
        router.post("/releases/{key}/documents/{kind}", use: saveDocument)
    }

    @Sendable func editPlan(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        do {
            let release = try await services.releases.get(key)
            let (plan, revision) = try await services.plans.plan(of: key)
            return planPage(release, form: PlanForm(plan, formatting: formatting), revision: revision, errors: [], request: request)
        } catch let error as ServiceError {
            return renderer.errorPage(renderer.words(request).error(FieldError("form", error.description)), request: request, status: .init(code: error.status))
        }
    }

    @Sendable func savePlan(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        let form = PlanForm(fields: try await WebRoutes<Context>.form(request, limit: BodyLimits.standard))
        let revision = Int(form["revision"]) ?? 0
        do {
            let release = try await services.releases.get(key)
            let (current, _) = try await services.plans.plan(of: key)
            let (plan, errors) = form.plan(previous: current, formatting: formatting, now: Date())
            guard errors.isEmpty else {
                return planPage(release, form: form, revision: revision, errors: errors, request: request, status: .unprocessableContent)
            }
            do {
                _ = try await services.plans.replacePlan(of: key, with: plan, precondition: .oneOf([revision]))
            } catch let error as ServiceError where !error.fieldErrors.isEmpty {
                let located = error.fieldErrors.map { FieldError(form.formField($0.field), $0.message) }
                return planPage(release, form: form, revision: revision, errors: located, request: request, status: .init(code: error.status))
            }
            return WebRoutes<Context>.redirect("/releases/\(release.key)?tab=plan&done=plan_saved")
        } catch let error as ServiceError {
            if case .notFound = error { return renderer.errorPage(error.description, request: request, status: .notFound) }
            let release = try await services.releases.get(key)
            return planPage(release, form: form, revision: revision, errors: [Self.stale(error)], request: request, status: .init(code: error.status))
        }
    }

    private func planPage(_ release: Release, form: PlanForm, revision: Int, errors: [FieldError], request: Request,
                          status: HTTPResponse.Status = .ok) -> Response {
        let words = renderer.words(request)
        let model = PlanEditPage.model(release: release, form: form, revision: revision, errors: errors, words)
        return renderer.page("plan-edit", title: "\(release.key) · \(words.text("plan_edit_title"))", model: model, request: request, status: status)
    }

    @Sendable func document(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        guard let kind = DocumentKind(rawValue: try context.parameters.require("kind")) else {
            return renderer.errorPage(renderer.words(request).text("error_no_such_document"), request: request, status: .notFound)
        }
        do {
            let version = request.uri.queryParameters.get("version").flatMap(Int.init)
            return try await documentPage(key, kind: kind, version: version, request: request)
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }

    @Sendable func saveDocument(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("key")
        guard let kind = DocumentKind(rawValue: try context.parameters.require("kind")) else {
            return renderer.errorPage(renderer.words(request).text("error_no_such_document"), request: request, status: .notFound)
        }
        let fields = try await WebRoutes<Context>.form(request, limit: DocumentVersion.maximumLength * 4 + BodyLimits.formMargin)
        let content = fields["content"] ?? ""
        do {
            _ = try await services.plans.writeDocument(kind, of: key, content: content, expectedVersion: fields["expectedVersion"].flatMap(Int.init))
            return WebRoutes<Context>.redirect("/releases/\(key.uppercased())/documents/\(kind.rawValue)?done=document_saved")
        } catch let error as ServiceError {
            if case .notFound = error { return renderer.errorPage(error.description, request: request, status: .notFound) }
            return try await documentPage(key, kind: kind, version: nil, request: request, typed: content,
                                          errors: error.fieldErrors.isEmpty ? [Self.stale(error)] : error.fieldErrors, status: .init(code: error.status))
        }
    }

    private func documentPage(_ key: String, kind: DocumentKind, version: Int?, request: Request, typed: String? = nil,
                              errors: [FieldError] = [], status: HTTPResponse.Status = .ok) async throws -> Response {
        let words = renderer.words(request)
        let release = try await services.releases.get(key)
        let (shown, history) = try await services.plans.document(kind, of: key, version: version)
        let facts = DocumentPage.Facts(release: release, kind: kind, shown: shown, history: history, typed: typed, errors: errors,
                                       canEdit: RequestOrigin.current.may(.planEdit) && release.status.isPlanEditable)
        return renderer.page("document", title: "\(release.key) · \(words.label(kind))", model: DocumentPage.model(facts, words), request: request, status: status)
    }

    /// A stale revision says so in words: someone saved in between; what was typed is kept.
    static func stale(_ error: ServiceError) -> FieldError {
        if case .stale = error { return FieldError("form", "stale") }
        return FieldError("form", error.description)
    }
}
