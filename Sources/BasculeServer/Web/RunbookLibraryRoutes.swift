import BasculeCore
import BasculeStore
import Foundation
import Hummingbird

/// The runbooks section: the template library, one template, and making a release's runbook from it.
struct RunbookLibraryRoutes<Context: RequestContext>: Sendable {
    let services: BasculeServices
    let renderer: PageRenderer

    func register(on router: Router<Context>) {
        router.get("/runbooks", use: library)
        router.get("/runbooks/{name}", use: template)
        router.post("/runbooks/{name}/apply", use: apply)
    }

    @Sendable func library(_ request: Request, context: Context) async throws -> Response {
        let words = renderer.words(request)
        do {
            let model = RunbooksPage.model(try await services.runbooks.templates(), words)
            return renderer.page("runbooks", title: words.text("runbook_templates"), model: model, request: request)
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }

    @Sendable func template(_ request: Request, context: Context) async throws -> Response {
        let name = try context.parameters.require("name")
        do {
            return try await templatePage(name, values: [:], errors: [], request: request)
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }

    @Sendable func apply(_ request: Request, context: Context) async throws -> Response {
        let name = try context.parameters.require("name")
        let fields = try await WebRoutes<Context>.form(request)
        let values = Dictionary(uniqueKeysWithValues: fields.filter { $0.key.hasPrefix("var.") }.map { (String($0.key.dropFirst(4)), $0.value) })
        let release = fields["release"] ?? ""
        do {
            _ = try await services.runbooks.instantiate(release, template: name, values: values)
            return WebRoutes<Context>.redirect("/releases/\(release.uppercased())?tab=runbook&done=runbook_saved")
        } catch let error as ServiceError where error.status != 403 {
            let errors = error.fieldErrors.isEmpty ? [FieldError("form", error.description)] : error.fieldErrors
            return try await templatePage(name, values: fields, errors: errors, request: request, status: .init(code: error.status))
        } catch let error as ServiceError {
            return renderer.errorPage(error.description, request: request, status: .init(code: error.status))
        }
    }

    private func templatePage(_ name: String, values: [String: String], errors: [FieldError], request: Request,
                              status: HTTPResponse.Status = .ok) async throws -> Response {
        let words = renderer.words(request)
        let template = try await services.runbooks.template(name)
        let canApply = RequestOrigin.current.may(.runbookEdit)
        let editable = canApply ? try await services.releases.table(ReleaseQuery(statuses: ReleaseStatus.allCases.filter(\.isPlanEditable)), limit: 500).items : []
        let model = RunbooksPage.template(template, releases: editable, values: values, errors: errors, canApply: canApply, words)
        return renderer.page("runbook-template", title: template.name, model: model, request: request, status: status)
    }
}
